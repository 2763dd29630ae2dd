package dev.ferry.importer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.importer.config.ImportConfig;
import dev.ferry.support.config.RetrySettings;
import dev.ferry.support.config.StagingAccountSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SweeperTest {

    private static final Instant NOW = Instant.parse("2026-03-20T06:00:00Z");
    private static final Duration GRACE = Duration.ofDays(14);
    private static final String ACCOUNT = "ferrystagingwestus";

    private final InMemoryBlobs blobs = new InMemoryBlobs();
    private final Sweeper sweeper = new Sweeper(config(), blobs, new NoSnapshots(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aReplicaUnwrittenForLongerThanTheGraceIsReportedAndOnlyDeletedWhenAsked() {
        blobs.add("replicas", replica("old", NOW.minus(GRACE).minusSeconds(1)));

        Sweeper.Report dryRun = sweeper.sweep(Duration.ofHours(24), GRACE, false);

        assertThat(dryRun.leftovers()).singleElement().satisfies(l -> {
            assertThat(l.kind()).isEqualTo("replica");
            assertThat(l.reason()).contains("disk /subscriptions/s/resourcegroups/g/providers/microsoft.compute/disks/old");
            assertThat(l.deleted()).isFalse();
        });
        assertThat(dryRun.replicaGrace()).isEqualTo(GRACE);
        assertThat(blobs.deleted).isEmpty();

        Sweeper.Report deleting = sweeper.sweep(Duration.ofHours(24), GRACE, true);

        assertThat(deleting.leftovers()).singleElement().satisfies(l -> assertThat(l.deleted()).isTrue());
        assertThat(blobs.deleted).containsExactly(url("replicas", "old"));
    }

    @Test
    void aReplicaWrittenWithinTheGraceStays() {
        blobs.add("replicas", replica("recent", NOW.minus(GRACE)));

        assertThat(sweeper.sweep(Duration.ofHours(24), GRACE, true).leftovers()).isEmpty();
        assertThat(blobs.deleted).isEmpty();
    }

    @Test
    void aBlobWithoutTheReplicaKindOrNotMadeByExportServiceIsNeverTouched() {
        Instant old = NOW.minus(Duration.ofDays(365));
        blobs.add("replicas", new StagingBlobs.ListedBlob(url("replicas", "plain"), "plain", old, "e1", Map.of()));
        blobs.add("replicas", new StagingBlobs.ListedBlob(url("replicas", "other"), "other", old, "e2",
                Map.of("ferry_kind", "replica", "ferry_createdby", "someone-else")));
        blobs.add("replicas", new StagingBlobs.ListedBlob(url("replicas", "vhd"), "vhd", old, "e3",
                Map.of("ferry_kind", "vhd", "ferry_createdby", "export-service")));

        assertThat(sweeper.sweep(Duration.ofHours(24), GRACE, true).leftovers()).isEmpty();
        assertThat(blobs.deleted).isEmpty();
    }

    @Test
    void aReplicaRewrittenBetweenTheListingAndTheDeleteStays() {
        blobs.add("replicas", replica("busy", NOW.minus(GRACE).minusSeconds(60)));
        blobs.changedSinceListing.add(url("replicas", "busy"));

        Sweeper.Report report = sweeper.sweep(Duration.ofHours(24), GRACE, true);

        assertThat(report.leftovers()).singleElement().satisfies(l -> {
            assertThat(l.deleted()).isFalse();
            assertThat(l.reason()).contains("written since it was listed");
        });
        assertThat(blobs.deleted).isEmpty();
    }

    @Test
    void replicasAreSweptByTheirGraceNotByTheMinimumAgeOfVhds() {
        blobs.add("vhds", new StagingBlobs.ListedBlob(url("vhds", "b/p.vhd"), "b/p.vhd", NOW.minus(Duration.ofDays(2)), "e", Map.of()));
        blobs.add("replicas", replica("weekly", NOW.minus(Duration.ofDays(7))));

        Sweeper.Report report = sweeper.sweep(Duration.ofHours(24), GRACE, false);

        assertThat(report.leftovers()).extracting(Sweeper.Leftover::kind).containsExactly("vhd");
    }

    // ---- fakes ---------------------------------------------------------------------------------

    private static StagingBlobs.ListedBlob replica(String disk, Instant lastModified) {
        return new StagingBlobs.ListedBlob(url("replicas", disk), "s/g/" + disk + ".vhd", lastModified, "etag-" + disk,
                Map.of("ferry_kind", "replica", "ferry_createdby", "export-service", "ferry_sourcedisk",
                        "/subscriptions/s/resourcegroups/g/providers/microsoft.compute/disks/" + disk,
                        "ferry_generation", "/subscriptions/s/resourcegroups/g/providers/microsoft.compute/snapshots/x"));
    }

    private static String url(String container, String name) {
        return "https://" + ACCOUNT + ".blob.core.windows.net/" + container + "/" + name;
    }

    /** The blobs of one account by container; deletes are recorded, and those named changed answer CHANGED. */
    private static final class InMemoryBlobs implements StagingBlobs {
        final Map<String, List<ListedBlob>> containers = new HashMap<>();
        final List<String> deleted = new ArrayList<>();
        final List<String> changedSinceListing = new ArrayList<>();

        void add(String container, ListedBlob blob) {
            containers.computeIfAbsent(container, c -> new ArrayList<>()).add(blob);
        }

        @Override
        public List<ListedBlob> list(String accountName, String container, String prefix) {
            return containers.getOrDefault(container, List.of()).stream().filter(b -> b.name().startsWith(prefix)).toList();
        }

        @Override
        public boolean delete(String accountName, String blobUrl) {
            deleted.add(blobUrl);
            return true;
        }

        @Override
        public Deletion deleteIfUnchanged(String accountName, String blobUrl, String etag) {
            if (changedSinceListing.contains(blobUrl)) {
                return Deletion.CHANGED;
            }
            deleted.add(blobUrl);
            return Deletion.DELETED;
        }

        @Override
        public Optional<ListedBlob> properties(String accountName, String blobUrl) {
            return containers.values().stream().flatMap(List::stream).filter(b -> b.url().equals(blobUrl)).findFirst();
        }

        @Override
        public boolean setMetadataIfUnchanged(String accountName, String blobUrl, Map<String, String> metadata, String etag) {
            throw new AssertionError("the sweep writes no metadata");
        }
    }

    private static final class NoSnapshots implements RegionSnapshots {
        @Override
        public Optional<RegionSnapshot> find(String subscriptionId, String resourceGroup, String name) {
            return Optional.empty();
        }

        @Override
        public List<RegionSnapshot> list(ResourceGroupId group) {
            return List.of();
        }

        @Override
        public void delete(String snapshotId) {
            throw new AssertionError("no snapshot to delete");
        }

        @Override
        public RegionSnapshot importVhd(ImportRequest request) {
            throw new AssertionError("no import");
        }
    }

    /** One staging account, no catalog: the sweep looks at blobs only. */
    private static ImportConfig config() {
        return new ImportConfig() {
            @Override
            public Map<String, StagingAccountSettings> stagingAccounts() {
                return Map.of(ACCOUNT, new StagingAccountSettings() {
                    @Override
                    public ArmResourceId id() {
                        return ArmResourceId.parse("/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/g"
                                + "/providers/Microsoft.Storage/storageAccounts/" + ACCOUNT);
                    }

                    @Override
                    public String region() {
                        return "westus";
                    }

                    @Override
                    public String blobEndpoint() {
                        return "https://" + ACCOUNT + ".blob.core.windows.net";
                    }

                    @Override
                    public Optional<String> connectionString() {
                        return Optional.empty();
                    }
                });
            }

            @Override
            public List<ResourceGroupId> targetResourceGroups() {
                return List.of();
            }

            @Override
            public Snapshot snapshot() {
                return null;
            }

            @Override
            public RetrySettings retry() {
                return null;
            }

            @Override
            public ImportConfig.Sweeper sweeper() {
                return new ImportConfig.Sweeper() {
                    @Override
                    public String every() {
                        return "off";
                    }

                    @Override
                    public boolean delete() {
                        return false;
                    }

                    @Override
                    public Duration minAge() {
                        return Duration.ofHours(24);
                    }

                    @Override
                    public Duration replicaGrace() {
                        return GRACE;
                    }

                    @Override
                    public Optional<String> catalogAccount() {
                        return Optional.empty();
                    }
                };
            }
        };
    }
}
