package dev.ferry.restore.catalog;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the catalog has been read from storage: before that, the service would offer no restore points. */
@Readiness
@ApplicationScoped
public class CatalogReadiness implements HealthCheck {

    private final CatalogView view;

    public CatalogReadiness(CatalogView view) {
        this.view = view;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("restore-point-catalog").status(view.loaded()).build();
    }
}
