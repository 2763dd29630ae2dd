package dev.ferry.localcloud.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    /** Azure's write bucket: 200 tokens, refilled at 10 a second. */
    private static TokenBucket writes() {
        return new TokenBucket(200, Duration.ofSeconds(20), 0);
    }

    @Test
    void aFullBucketLetsItsSizeThroughAtOnceAndThenRefusesUntilATokenComesBack() {
        TokenBucket bucket = writes();
        for (int i = 0; i < 199; i++) {
            bucket.take(0);
        }

        TokenBucket.Take last = bucket.take(0);
        TokenBucket.Take refused = bucket.take(SECOND / 20);

        assertThat(last.granted()).isTrue();
        assertThat(last.remaining()).isZero();
        assertThat(refused.granted()).isFalse();
        assertThat(refused.untilNextToken()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void tokensComeBackAtTheRefillRateAndNeverBeyondTheSize() {
        TokenBucket bucket = writes();
        for (int i = 0; i < 200; i++) {
            bucket.take(0);
        }

        assertThat(bucket.take(SECOND).remaining()).isEqualTo(9);
        assertThat(bucket.take(60 * SECOND).remaining()).isEqualTo(199);
    }

    @Test
    void aPartRefillKeepsTheTimeTowardsTheNextToken() {
        TokenBucket bucket = new TokenBucket(2, Duration.ofSeconds(2), 0);
        bucket.take(0);
        bucket.take(0);

        TokenBucket.Take afterOneAndAHalfTokens = bucket.take(SECOND + SECOND / 2);

        assertThat(afterOneAndAHalfTokens.granted()).isTrue();
        assertThat(afterOneAndAHalfTokens.remaining()).isZero();
        assertThat(afterOneAndAHalfTokens.untilNextToken()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aBucketNeedsASizeAndARefillTime() {
        assertThatThrownBy(() -> new TokenBucket(0, Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, Duration.ZERO, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
