package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class StrictManifestParserTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: demo
            spec:
              selector:
                matchLabels: {app: demo}
              template:
                metadata:
                  labels: {app: demo}
                spec:
                  containers:
                    - name: demo
                      image: demo:1
                      %s:
                        httpGet: {path: /q/health/live, port: 8080}
            """;

    static List<String> targets() {
        return Targets.all();
    }

    @ParameterizedTest
    @MethodSource("targets")
    void everyTargetRendersAndEveryObjectFitsItsModel(String target) {
        List<HasMetadata> objects = Targets.objects(target);

        assertThat(objects).as(target).isNotEmpty();
    }

    @Test
    void aKnownFieldIsParsedIntoTheModel() {
        List<HasMetadata> objects = StrictManifestParser.parse(DEPLOYMENT.formatted("livenessProbe"));

        Deployment deployment = (Deployment) objects.get(0);
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getLivenessProbe().getHttpGet().getPath())
                .isEqualTo("/q/health/live");
    }

    @Test
    void anUnknownFieldIsRefused() {
        assertThatThrownBy(() -> StrictManifestParser.parse(DEPLOYMENT.formatted("livenessprobe")))
                .hasMessageContaining("Deployment demo does not fit its model")
                .hasMessageContaining("livenessprobe");
    }

    @Test
    void aKindWithoutModelIsRefused() {
        assertThatThrownBy(() -> StrictManifestParser.parse("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: x}\n"))
                .hasMessageContaining("No model for batch/v1 CronJob x");
    }
}
