package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalDrRunOptionsTest {

    @Test
    void keepIsAFlagThatOpensTheKcatExamplesNamespaceToRestoresByEvent() {
        LocalDrRun.Options options = LocalDrRun.Options.parse(new String[] {"--keep", "--backups", "3"});

        assertThat(options.keep()).isTrue();
        assertThat(options.backups()).isEqualTo(3);
        assertThat(options.stack().settings()).containsEntry("restore-service", Map.of("ferry.restore.event-target-namespaces", "demo-dr"));
    }

    @Test
    void withoutKeepNothingIsOpenedToEvents() {
        LocalDrRun.Options options = LocalDrRun.Options.parse(new String[] {"--set", "export-service:ferry.transfer.concurrent-volumes=4"});

        assertThat(options.keep()).isFalse();
        assertThat(options.stack().settings()).doesNotContainKey("restore-service")
                .containsEntry("export-service", Map.of("ferry.transfer.concurrent-volumes", "4"));
    }

    @Test
    void anUnknownOptionIsRefused() {
        assertThatThrownBy(() -> LocalDrRun.Options.parse(new String[] {"--kept"})).hasMessageContaining("unknown option --kept");
    }
}
