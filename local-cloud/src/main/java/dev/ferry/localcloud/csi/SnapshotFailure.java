package dev.ferry.localcloud.csi;

/** Why a VolumeSnapshot cannot be made ready now: the event reason and the message for {@code status.error}. */
final class SnapshotFailure extends Exception {

    private final String reason;

    SnapshotFailure(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
