package dev.ferry.support.config;

import dev.ferry.events.arm.ArmResourceId;
import org.eclipse.microprofile.config.spi.Converter;

/** Reads a setting as an {@link ArmResourceId} when the service starts: a malformed id stops it at boot, saying what is wrong. */
public final class ArmResourceIdConverter implements Converter<ArmResourceId> {

    @Override
    public ArmResourceId convert(String value) {
        return ArmResourceId.parse(value.strip());
    }
}
