package dev.ferry.localcloud.azure.compute;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A managed snapshot of the fake. Its content is fixed at creation (a copy of the disk, an import
 * of a VHD), or fills in over time for a cross-region CopyStart.
 */
public final class Snapshot {

    private final ResourceKey key;
    private final String region;
    private final long sizeBytes;
    private final boolean incremental;
    private final String familyId;
    private final String createOption;
    private final String sourceResourceId;
    private final String sourceUniqueId;
    private final String sourceUri;
    private final String storageAccountId;
    private volatile Map<String, String> tags;
    private volatile String sku;
    private final Instant timeCreated = Instant.now();
    private final String uniqueId = UUID.randomUUID().toString();
    private final long sequence;
    private volatile SparseContent content;
    private volatile String provisioningState = "Updating";
    private volatile double completionPercent;
    private volatile String copyErrorCode;
    private volatile String copyErrorMessage;
    private volatile String copySpeed;

    Snapshot(ResourceKey key, String region, long sizeBytes, boolean incremental, String familyId, String createOption,
             String sourceResourceId, String sourceUniqueId, String sourceUri, String storageAccountId,
             Map<String, String> tags, String sku, SparseContent content, long sequence) {
        this.key = key;
        this.region = region;
        this.sizeBytes = sizeBytes;
        this.incremental = incremental;
        this.familyId = familyId;
        this.createOption = createOption;
        this.sourceResourceId = sourceResourceId;
        this.sourceUniqueId = sourceUniqueId;
        this.sourceUri = sourceUri;
        this.storageAccountId = storageAccountId;
        this.tags = Map.copyOf(tags);
        this.sku = sku;
        this.content = content;
        this.sequence = sequence;
        this.completionPercent = content == null ? 0 : 100;
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

    public boolean incremental() {
        return incremental;
    }

    /** Shared by the incremental snapshots of one disk, even across regions (CopyStart keeps it). */
    public String familyId() {
        return familyId;
    }

    public String createOption() {
        return createOption;
    }

    public String sourceResourceId() {
        return sourceResourceId;
    }

    public String sourceUniqueId() {
        return sourceUniqueId;
    }

    public String sourceUri() {
        return sourceUri;
    }

    public String storageAccountId() {
        return storageAccountId;
    }

    public Map<String, String> tags() {
        return tags;
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

    /** Creation order within the fake: snapshots of one family are copied in this order. */
    long sequence() {
        return sequence;
    }

    /** The snapshot's bytes, or null while a CopyStart has not finished. */
    public SparseContent content() {
        return content;
    }

    public String provisioningState() {
        return provisioningState;
    }

    public double completionPercent() {
        return completionPercent;
    }

    public String copyErrorCode() {
        return copyErrorCode;
    }

    public String copyErrorMessage() {
        return copyErrorMessage;
    }

    /** {@code creationData.provisionedBandwidthCopySpeed} as the snapshot's PUT asked for it, or null if it did not. */
    public String copySpeed() {
        return copySpeed;
    }

    /** Whether a CopyStart asked for the quicker copy ({@code provisionedBandwidthCopySpeed: Enhanced}). */
    public boolean enhancedCopy() {
        return "Enhanced".equals(copySpeed);
    }

    public boolean copyInProgress() {
        return content == null && copyErrorCode == null;
    }

    void copySpeed(String speed) {
        copySpeed = speed;
    }

    /** What a repeated PUT of the snapshot may change: its tags and its SKU. */
    void update(Map<String, String> newTags, String newSku) {
        tags = Map.copyOf(newTags);
        sku = newSku;
    }

    void provisioned() {
        provisioningState = "Succeeded";
    }

    void copyProgress(double percent) {
        completionPercent = Math.min(percent, 99.9);
    }

    void copyCompleted(SparseContent copied) {
        content = copied;
        completionPercent = 100;
    }

    void copyFailed(String code, String message) {
        copyErrorCode = code;
        copyErrorMessage = message;
    }
}
