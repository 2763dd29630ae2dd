package dev.ferry.support.api;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every error becomes the one problem shape; what a caller must not see stays in the log. */
class ProblemMappersTest {

    private static final UriInfo URI = (UriInfo) Proxy.newProxyInstance(UriInfo.class.getClassLoader(), new Class<?>[] {UriInfo.class},
            (proxy, method, args) -> method.getName().equals("getPath") ? "/api/v1/things" : null);

    private final ProblemMappers mappers = new ProblemMappers();

    private enum ThingReason implements Refused.Reason {
        THING_NOT_FOUND,
        TOO_MANY_THINGS;

        @Override
        public int status() {
            return this == THING_NOT_FOUND ? 404 : 429;
        }

        @Override
        public String title() {
            return this == THING_NOT_FOUND ? "The thing does not exist" : "Too many things for now";
        }
    }

    private static final class ThingRefused extends Refused {
        ThingRefused() {
            super(ThingReason.THING_NOT_FOUND, "No thing t-1 is known.", List.of("t-1"));
        }

        ThingRefused(Duration retryAfter) {
            super(ThingReason.TOO_MANY_THINGS, "Thing t-1 was made too often.", List.of("t-1"), retryAfter);
        }
    }

    @Test
    void aRefusalAnswersWithItsReasonsStatusTitleAndSlug() {
        Response response = mappers.refused(new ThingRefused(), URI);

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getMediaType()).hasToString(Problem.MEDIA_TYPE);
        assertThat((Problem) response.getEntity()).isEqualTo(new Problem(Problem.TYPE_BASE + "thing-not-found",
                "The thing does not exist", 404, "No thing t-1 is known.", "/api/v1/things", List.of("t-1")));
        assertThat(new ThingRefused().code()).isEqualTo("ThingNotFound");
    }

    @Test
    void aRefusalWithoutARetryTimeHasNoRetryAfterHeader() {
        assertThat(mappers.refused(new ThingRefused(), URI).getHeaderString(HttpHeaders.RETRY_AFTER)).isNull();
    }

    @Test
    void aRefusalThatOnlyTimeStandsInTheWayOfSaysWhenToRetryInWholeSecondsRoundedUp() {
        Response response = mappers.refused(new ThingRefused(Duration.ofMillis(12_001)), URI);

        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getMediaType()).hasToString(Problem.MEDIA_TYPE);
        assertThat(response.getHeaderString(HttpHeaders.RETRY_AFTER)).isEqualTo("13");
        assertThat(((Problem) response.getEntity()).type()).isEqualTo(Problem.TYPE_BASE + "too-many-things");
    }

    @Test
    void aRetryAfterIsNeverBelowOneSecond() {
        assertThat(ProblemMappers.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
        assertThat(ProblemMappers.retryAfterSeconds(Duration.ofSeconds(300))).isEqualTo(300);
    }

    @Test
    void anUnexpectedFailureIsA500ThatNamesAnIncidentAndNotTheMessage() {
        Response response = mappers.unexpected(new IllegalStateException("https://acct.blob.core.windows.net/c/b?sig=SECRET"), URI);

        Problem problem = (Problem) response.getEntity();
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(problem.type()).isEqualTo(Problem.TYPE_BASE + "internal-error");
        assertThat(problem.detail()).containsPattern("incident [0-9a-f-]{36}").doesNotContain("SECRET").doesNotContain("sig=");
    }

    @Test
    void aFrameworkErrorKeepsItsStatus() {
        Response response = mappers.web(new NotFoundException(), URI);

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(((Problem) response.getEntity()).title()).isEqualTo("Not Found");
    }
}
