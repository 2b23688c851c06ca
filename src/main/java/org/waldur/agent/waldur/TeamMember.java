package org.waldur.agent.waldur;

/** A {@code ProjectUser} from {@code …/team/}: the offering username is the SLURM user name. */
public record TeamMember(String uuid, String username, String fullName, String role,
                         String offeringUserUsername, String offeringUserState) {

    /** Members are associated only when their offering user is OK and has a username (§9.4). */
    public boolean hasUsableOfferingUser() {
        return offeringUserUsername != null && !offeringUserUsername.isBlank() && "OK".equals(offeringUserState);
    }
}
