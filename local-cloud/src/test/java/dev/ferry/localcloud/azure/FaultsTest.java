package dev.ferry.localcloud.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultsTest {

    @Test
    void faultsWrittenAsConfigurationAreInjectedInOrderAndCounted() {
        Faults faults = new Faults().configure(
                "ARM_WRITE=throttle:1s*2; SAS_READ=busy:2s*1; PAGE_RANGES=error*1; TOKEN=latency:200ms*1; blob-bandwidth=1048576; max-sas-lifetime=30s");

        assertThat(faults.next(Faults.Kind.ARM_WRITE)).contains(Faults.Fault.throttle(Duration.ofSeconds(1)));
        assertThat(faults.next(Faults.Kind.ARM_WRITE)).contains(Faults.Fault.throttle(Duration.ofSeconds(1)));
        assertThat(faults.next(Faults.Kind.ARM_WRITE)).isEmpty();
        assertThat(faults.next(Faults.Kind.SAS_READ)).contains(Faults.Fault.serverBusy(Duration.ofSeconds(2)));
        assertThat(faults.next(Faults.Kind.PAGE_RANGES)).contains(Faults.Fault.internalError());
        assertThat(faults.next(Faults.Kind.TOKEN)).contains(Faults.Fault.latency(Duration.ofMillis(200)));
        assertThat(faults.served(Faults.Kind.ARM_WRITE)).isEqualTo(2);
        assertThat(faults.blobBandwidth()).isEqualTo(1048576);
        assertThat(faults.sasLifetime(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(30));
        assertThat(faults.sasLifetime(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void nothingConfiguredMeansNoFault() {
        Faults faults = new Faults().configure(null).configure("  ");

        assertThat(faults.next(Faults.Kind.ARM_READ)).isEmpty();
        assertThat(faults.blobBandwidth()).isZero();
    }

    @Test
    void anEntryThatIsNotUnderstoodIsNamed() {
        assertThatThrownBy(() -> new Faults().configure("ARM_WRIT=error*1")).hasMessageContaining("'ARM_WRIT=error*1'")
                .hasMessageContaining("names no kind");
        assertThatThrownBy(() -> new Faults().configure("ARM_WRITE=error")).hasMessageContaining("lacks *<times>");
        assertThatThrownBy(() -> new Faults().configure("ARM_WRITE=throttle:soon*1")).hasMessageContaining("no duration");
        assertThatThrownBy(() -> new Faults().configure("ARM_WRITE=melt*1")).hasMessageContaining("none of");
        assertThatThrownBy(() -> new Faults().configure("junk")).hasMessageContaining("NAME=VALUE");
    }
}
