package dev.ferry.events;

import static dev.ferry.events.TestEvents.snapshotTaken;
import static dev.ferry.events.TestEvents.volume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.events.validation.Violations;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java validation names the offending field by its full path and never echoes a secret. */
class EventValidationTest {

    @Test
    void aValidEventPasses() {
        snapshotTaken(volume()).validate();
    }

    @Test
    void namesNestedFieldsByPath() {
        VolumeBackup volume = volume(TestEvents.pvc("Orders_DB"), TestEvents.source(), TestEvents.target("westus"));

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> snapshotTaken(volume).validate());

        assertThat(e.fields()).containsExactly("volume.pvc.name");
        assertThat(e.getMessage()).contains("ferry.snapshot.taken.v1", "volume.pvc.name", "DNS-1123", "Orders_DB");
    }

    @Test
    void reportsEveryViolationAtOnce() {
        SourceSnapshot source = new SourceSnapshot(TestEvents.DISK, TestEvents.SNAPSHOT, "East US", 0, true, null);
        VolumeBackup volume = volume(TestEvents.pvc("orders-db"), source, TestEvents.target("westus"));

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> snapshotTaken(volume).validate());

        assertThat(e.fields()).containsExactlyInAnyOrder(
                "volume.source.snapshotId", "volume.source.diskId", "volume.source.region", "volume.source.sizeBytes");
    }

    @Test
    void refusesACopyIntoTheSameRegion() {
        VolumeBackup volume = volume(TestEvents.pvc("orders-db"), TestEvents.source(), TestEvents.target("eastus"));

        assertThatThrownBy(() -> snapshotTaken(volume).validate())
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("volume.target.region");
    }

    @Test
    void refusesAVolumeIndexOutsideTheBackup() {
        VolumeBackup v = volume();
        VolumeBackup outside = new VolumeBackup(v.policy(), v.sourceCluster(), v.namespace(), v.pvc(), 1, 1,
                v.source(), v.target(), v.strategy(), v.copySpeed(), v.takenAt());

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> snapshotTaken(outside).validate());
        assertThat(e.fields()).containsExactly("volume.volumeIndex");
    }

    @Test
    void neverEchoesASasInTheMessage() {
        VhdBlob vhd = new VhdBlob("https://acct.blob.core.windows.net/vhds/a.vhd?sv=2022-11-02&sig=SECRETSIGNATURE",
                TestEvents.STAGING, "vhds", "a.vhd", (1L << 30) + VhdBlob.FOOTER_BYTES);
        TransferStats transfer = TransferStats.full("streaming", 10, 10, 1L << 30, 5, Instant.EPOCH, Instant.EPOCH.plusMillis(5));
        VhdExported event = new VhdExported(1, "b-1", "corr-1", volume(), vhd, transfer);

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, event::validate);

        assertThat(e.fields()).containsExactly("vhd.url");
        assertThat(e.getMessage()).doesNotContain("SECRETSIGNATURE").doesNotContain("sig=");
    }

    @Test
    void aDiffNamesItsBaseAndAFullCopyHasNone() {
        Instant now = Instant.EPOCH;
        TransferStats diffWithoutBase = new TransferStats("streaming", "diff", null, 10L, 10, 1L << 30, 5, now, now, null);
        TransferStats fullWithBase = new TransferStats("streaming", "full", TestEvents.SNAPSHOT, 10L, 10, 1L << 30, 5, now,
                now, "no-replica");
        TransferStats unknownReason = new TransferStats("streaming", "full", null, 10L, 10, 1L << 30, 5, now, now, "felt-like-it");

        assertThat(violations(diffWithoutBase)).anyMatch(v -> v.startsWith("baseSnapshotId"));
        assertThat(violations(fullWithBase)).anyMatch(v -> v.startsWith("baseSnapshotId"));
        assertThat(violations(unknownReason)).anyMatch(v -> v.startsWith("fullCopyReason"));
        assertThat(violations(new TransferStats("streaming", "diff", TestEvents.SNAPSHOT, 10L, 10, 1L << 30, 5, now, now,
                null))).isEmpty();
    }

    @Test
    void aMalformedIdInJsonIsReportedAtItsField() {
        String json = EventJson.writeString(snapshotTaken(volume()))
                .replace(TestEvents.DISK.toString(), "/subscriptions/nope/resourceGroups/rg/providers/Microsoft.Compute/disks/d");

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class,
                () -> EventJson.read(json.getBytes(StandardCharsets.UTF_8), SnapshotTaken.class));

        assertThat(e.fields()).containsExactly("volume.source.diskId");
        assertThat(e.getMessage()).contains("not a GUID");
    }

    @Test
    void malformedJsonIsAnInvalidEvent() {
        assertThatThrownBy(() -> EventJson.read("{\"schemaVersion\": 1,".getBytes(StandardCharsets.UTF_8), SnapshotTaken.class))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("not well-formed JSON");
        assertThatThrownBy(() -> EventJson.read("null".getBytes(StandardCharsets.UTF_8), SnapshotTaken.class))
                .isInstanceOf(InvalidEventException.class);
    }

    @Test
    void aMissingRequiredNumberIsNotTakenAsZero() {
        String json = EventJson.writeString(snapshotTaken(volume())).replace("\"volumeIndex\":0,", "");

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class,
                () -> EventJson.read(json.getBytes(StandardCharsets.UTF_8), SnapshotTaken.class));

        assertThat(e.fields()).containsExactly("volume.volumeIndex");
        assertThat(e.getMessage()).contains("is required");
    }

    @Test
    void aRecordWhoseTypeHeaderNamesAnotherTypeIsInvalid() {
        byte[] json = EventJson.write(snapshotTaken(volume()));

        assertThat(EventJson.readRecord(java.util.Map.of("ce_type", "ferry.snapshot.taken.v1"), json, SnapshotTaken.class))
                .isEqualTo(snapshotTaken(volume()));
        assertThat(EventJson.readRecord(java.util.Map.of(), json, SnapshotTaken.class)).isEqualTo(snapshotTaken(volume()));
        InvalidEventException e = catchThrowableOfType(InvalidEventException.class,
                () -> EventJson.readRecord(java.util.Map.of("ce_type", "ferry.vhd.exported.v1"), json, SnapshotTaken.class));
        assertThat(e.fields()).containsExactly("ce_type");
    }

    @Test
    void keyAndSubjectFollowTheVolume() {
        SnapshotTaken event = snapshotTaken(volume());

        assertThat(event.kafkaKey()).isEqualTo(TestEvents.DISK.toString().toLowerCase());
        assertThat(event.subject()).isEqualTo("shop/orders-db");
        assertThat(event.eventType()).isEqualTo(EventType.SNAPSHOT_TAKEN);
    }

    private static List<String> violations(dev.ferry.events.validation.Validatable part) {
        Violations v = new Violations();
        part.validate(v);
        return v.list().stream().map(violation -> violation.field()).toList();
    }
}
