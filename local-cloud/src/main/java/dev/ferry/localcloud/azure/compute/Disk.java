package dev.ferry.localcloud.azure.compute;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A managed disk of the fake: its settings and its sparse content, which tests write as an application would. */
public final class Disk {

    private final ResourceKey key;
    private final String region;
    private final long sizeBytes;
    private final SparseContent content;
    private final String createOption;
    private final String sourceResourceId;
    private final Instant timeCreated = Instant.now();
    private final String uniqueId = UUID.randomUUID().toString();
    private final String snapshotFamilyId = UUID.randomUUID().toString();
    private volatile Map<String, String> tags;
    private volatile String sku;
    private volatile String copySpeed;
    private volatile String provisioningState = "Updating";

    Disk(ResourceKey key, String region, long sizeBytes, SparseContent content, Map<String, String> tags,
         String createOption, String sourceResourceId, String sku) {
        this.key = key;
        this.region = region;
        this.sizeBytes = sizeBytes;
        this.content = content;
        this.tags = Map.copyOf(tags);
        this.createOption = createOption;
        this.sourceResourceId = sourceResourceId;
        this.sku = sku;
    }

    public ResourceKey key() {
        return key;
    }

    public String id() {
        return key.id();
    }

    public String region() {
        return region;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    /** The disk's bytes; writing them is what the application on the disk does. */
    public SparseContent content() {
        return content;
    }

    public Map<String, String> tags() {
        return tags;
    }

    public String createOption() {
        return createOption;
    }

    public String sourceResourceId() {
        return sourceResourceId;
    }

    public String sku() {
        return sku;
    }

    public Instant timeCreated() {
        return timeCreated;
    }

    public String uniqueId() {
        return uniqueId;
    }

    /**
     * The {@code incrementalSnapshotFamilyId} of the disk's incremental snapshots: an id of its own, which Azure does
     * not derive from the disk's {@code uniqueId}.
     */
    public String snapshotFamilyId() {
        return snapshotFamilyId;
    }

    /** {@code creationData.provisionedBandwidthCopySpeed} as the disk's PUT asked for it, or null if it did not. */
    public String copySpeed() {
        return copySpeed;
    }

    public String provisioningState() {
        return provisioningState;
    }

    void provisioned() {
        provisioningState = "Succeeded";
    }

    void copySpeed(String speed) {
        copySpeed = speed;
    }

    /** What a repeated PUT of the disk may change: its tags and its SKU. */
    void update(Map<String, String> newTags, String newSku) {
        tags = Map.copyOf(newTags);
        sku = newSku;
    }
}
