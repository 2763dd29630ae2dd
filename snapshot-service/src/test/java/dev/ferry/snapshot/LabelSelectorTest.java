package dev.ferry.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {

    @Test
    void parsesEqualityTermsWithOneOrTwoEqualsSigns() {
        assertThat(LabelSelector.parse("app=shop, tier==db,app.kubernetes.io/part-of=orders"))
                .containsExactly(Map.entry("app", "shop"), Map.entry("tier", "db"), Map.entry("app.kubernetes.io/part-of", "orders"));
    }

    @Test
    void acceptsAnEmptyValue() {
        assertThat(LabelSelector.parse("canary=")).containsExactly(Map.entry("canary", ""));
    }

    @Test
    void refusesSetBasedAndInequalityTerms() {
        for (String selector : new String[] {"app!=shop", "!app", "app", "env in (prod,staging)", "env notin (dev)"}) {
            assertThatThrownBy(() -> LabelSelector.parse(selector)).as(selector)
                    .isInstanceOf(LabelSelector.InvalidSelector.class).hasMessageContaining("only equality");
        }
    }

    @Test
    void refusesBadKeysAndValuesNamingEach() {
        assertThatThrownBy(() -> LabelSelector.parse("-app=shop,tier=d b,Bad_Prefix/x=1"))
                .isInstanceOfSatisfying(LabelSelector.InvalidSelector.class, e -> assertThat(e.problems()).hasSize(3)
                        .anySatisfy(p -> assertThat(p).contains("'-app'"))
                        .anySatisfy(p -> assertThat(p).contains("'d b'"))
                        .anySatisfy(p -> assertThat(p).contains("prefix")));
    }

    @Test
    void refusesEmptySelectorsAndTermsAndContradictions() {
        assertThatThrownBy(() -> LabelSelector.parse(" ")).isInstanceOf(LabelSelector.InvalidSelector.class);
        assertThatThrownBy(() -> LabelSelector.parse("app=shop,")).hasMessageContaining("empty term");
        assertThatThrownBy(() -> LabelSelector.parse("app=shop,app=web")).hasMessageContaining("twice");
    }

    @Test
    void checksASelectorGivenAsAMap() {
        assertThat(LabelSelector.problems(Map.of("app", "shop"))).isEmpty();
        assertThat(LabelSelector.problems(Map.of())).containsExactly("labelSelector must name at least one label");
        assertThat(LabelSelector.problems(Map.of("app", "x".repeat(64)))).hasSize(1);
    }
}
