package dev.kafkaworkshop.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.List;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;

/**
 * Apicurio's config-index extension lists, at build time, the settings an administrator may
 * change while the registry runs. That extension cannot be built from Maven Central, so the
 * workshop's registry has none: every setting is fixed at start-up, which is all it needs.
 */
@ApplicationScoped
public class NoDynamicConfigProperties {
    @Produces
    @ApplicationScoped
    DynamicConfigPropertyList dynamicConfigPropertyList() {
        return new DynamicConfigPropertyList(List.of());
    }
}
