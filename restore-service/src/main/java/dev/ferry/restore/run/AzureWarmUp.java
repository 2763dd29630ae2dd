package dev.ferry.restore.run;

import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.restore.RegionSnapshots;
import dev.ferry.restore.config.RestoreConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

/**
 * Asks Azure once when the service starts whether a snapshot Ferry never creates exists: the first
 * token, TLS handshake and SDK class loading (seconds in a fresh JVM) are then paid before the first
 * restore, whose checks ask Azure for every region-B snapshot, and not during it. Runs on the
 * framework's executor, so start-up does not wait for it.
 */
@ApplicationScoped
public class AzureWarmUp {

    private static final Logger LOG = Logger.getLogger(AzureWarmUp.class);
    static final String PROBE = "ferry-warm-up-probe";

    void onStart(@Observes StartupEvent start, RegionSnapshots snapshots, RestoreConfig config, ManagedExecutor executor) {
        if (config.targetResourceGroups().isEmpty()) {
            return;
        }
        ArmResourceId probe = ArmResourceId.parse(config.targetResourceGroups().get(0) + "/providers/Microsoft.Compute/snapshots/" + PROBE);
        executor.runAsync(() -> {
            long started = System.nanoTime();
            try {
                snapshots.exists(probe);
            } catch (RuntimeException e) {
                LOG.debugf("the warm-up call to Azure failed (the first restore will tell): %s", e.getMessage());
            }
            LOG.debugf("Azure path warmed up in %d ms", (System.nanoTime() - started) / 1_000_000);
        });
    }
}
