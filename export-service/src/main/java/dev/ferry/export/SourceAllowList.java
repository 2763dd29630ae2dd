package dev.ferry.export;

import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.support.step.StepRefused;
import java.util.List;

/** The source resource groups this service may export from: every snapshot, disk and base an event names is checked before any Azure call. */
public final class SourceAllowList {

    private final List<ResourceGroupId> groups;

    public SourceAllowList(List<ResourceGroupId> groups) {
        this.groups = List.copyOf(groups);
    }

    /**
     * @param what names the resource in the refusal, e.g. {@code Snapshots}
     * @throws StepRefused if the resource's group is not allowed
     */
    public void check(ArmResourceId id, String what) {
        if (!groups.contains(ResourceGroupId.of(id))) {
            throw new StepRefused("SourceResourceGroupNotAllowed", what + " of resource group " + id.resourceGroup()
                    + " in subscription " + id.subscriptionId() + " may not be exported by this service.");
        }
    }
}
