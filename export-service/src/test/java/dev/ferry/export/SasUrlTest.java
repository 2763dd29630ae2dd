package dev.ferry.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SasUrlTest {

    private static final String SAS = "https://md-abc.blob.core.windows.net/xyz/abcd?sv=2018-03-28&sr=b&sp=r&sig=SECRETSIG%3D";

    @Test
    void toStringHidesTheSignature() {
        SasUrl sas = SasUrl.of(SAS);
        assertThat(sas.toString()).isEqualTo("https://md-abc.blob.core.windows.net/xyz/abcd?<redacted>").doesNotContain("SECRET");
        assertThat(sas.withoutQuery()).isEqualTo("https://md-abc.blob.core.windows.net/xyz/abcd");
        assertThat(sas.unredacted()).isEqualTo(SAS);
    }

    @Test
    void refusalsDoNotQuoteTheInput() {
        assertThatThrownBy(() -> SasUrl.of("https://host/path")).hasMessageNotContaining("host");
        assertThatThrownBy(() -> SasUrl.of("not a url ?sig=SECRET")).hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> SasUrl.of("ftp://host/p?sig=SECRET")).hasMessageNotContaining("SECRET");
    }

    @Test
    void aStorageFailureMessageNamesNoUrl() {
        StorageCallFailed failure = new StorageCallFailed("Put Page", 503, "ServerBusy", java.time.Duration.ofSeconds(2), null);
        assertThat(failure.getMessage()).isEqualTo("Put Page failed: HTTP 503 ServerBusy");
        assertThat(failure.isTransient()).isTrue();
        assertThat(new StorageCallFailed("Get Blob", 403, "AuthenticationFailed", null, null).isTransient()).isFalse();
        assertThat(new StorageCallFailed("Get Blob", 0, "TimeoutException", null, null).isTransient()).isTrue();
    }
}
