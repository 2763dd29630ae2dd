package dev.ferry.export.copystart;

import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.support.azure.AzureCallFailed;
import java.util.List;
import java.util.Map;

/** The snapshots of region B, as far as Azure's own copy needs them: list them, start a copy, delete one. */
public interface RegionCopies {

    /** What to copy where: Ferry's derived name and tags, the incremental source snapshot, the copy speed. */
    record StartCopy(ResourceGroupId group, String name, String region, ArmResourceId source, boolean enhanced,
                     Map<String, String> tags) {
    }

    /**
     * The snapshots of a resource group, with their copy state.
     *
     * @throws AzureCallFailed if Azure cannot be asked
     */
    List<RegionCopy> list(ResourceGroupId group);

    /**
     * PUTs the snapshot with {@code createOption=CopyStart} and returns once Azure has accepted it; the copy
     * itself goes on inside Azure.
     *
     * @throws AzureCallFailed with Azure's code and status if it refuses or cannot be reached
     */
    void start(StartCopy request);

    /**
     * Deletes a snapshot; one already gone is success.
     *
     * @throws AzureCallFailed if Azure refuses
     */
    void delete(ArmResourceId id);
}
