package dev.ferry.support.config;

import dev.ferry.events.arm.ResourceGroupId;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Reads an allow-list entry as a {@link ResourceGroupId} when the service starts, so that a typo
 * stops the service at boot with the reason instead of refusing every event later. Both converters
 * are registered for every service in {@code META-INF/services}.
 */
public final class ResourceGroupIdConverter implements Converter<ResourceGroupId> {

    @Override
    public ResourceGroupId convert(String value) {
        return ResourceGroupId.parse(value);
    }
}
