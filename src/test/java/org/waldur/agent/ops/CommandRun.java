package org.waldur.agent.ops;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.waldur.agent.App;
import org.waldur.agent.slurm.SlurmResult;
import org.waldur.agent.slurm.SlurmRunner;
import org.waldur.agent.support.FakeSlurm;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the launcher's command line in-process as an operator would, capturing exit code and output. */
record CommandRun(int exit, String out, String err) {

    static CommandRun of(FakeSlurm slurm, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == DiagnosticsCommand.class && slurm != null) {
                    return (K) new DiagnosticsCommand(through(slurm));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cli = App.commandLine(factory);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CommandRun(exit, out.toString(), err.toString());
    }

    /** SLURM commands answered by the stateful {@link FakeSlurm}, given the argv exactly as camel-exec would. */
    static SlurmRunner through(FakeSlurm slurm) {
        DefaultCamelContext context = new DefaultCamelContext();
        return cmd -> {
            Exchange ex = new DefaultExchange(context);
            ex.getMessage().setHeader("CamelExecCommandExecutable", cmd.executable());
            ex.getMessage().setHeader("CamelExecCommandArgs", cmd.args());
            ex.getMessage().setBody(cmd.stdin() == null ? "" : cmd.stdin());
            slurm.process(ex);
            return SlurmResult.of(ex.getMessage().getHeader("CamelExecExitValue", Integer.class),
                    ex.getMessage().getBody(String.class), ex.getMessage().getHeader("CamelExecStderr", String.class));
        };
    }
}
