package dev.ferry.snapshot.policy;

import dev.ferry.snapshot.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Kubernetes label selector as a BackupPolicy states it ({@code matchLabels} and
 * {@code matchExpressions} with In, NotIn, Exists, DoesNotExist), with the API server's rules: all
 * terms must hold; an empty selector selects everything.
 */
public record PolicySelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

    /** The operators of a label selector requirement. */
    public enum Operator {
        In, NotIn, Exists, DoesNotExist
    }

    /** One term of {@code matchExpressions}. */
    public record Requirement(String key, Operator operator, List<String> values) {

        public Requirement {
            values = values == null ? List.of() : List.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case In -> value != null && values.contains(value);
                case NotIn -> value == null || !values.contains(value);
                case Exists -> labels.containsKey(key);
                case DoesNotExist -> !labels.containsKey(key);
            };
        }
    }

    /** The selector that selects every PVC. */
    public static final PolicySelector ALL = new PolicySelector(Map.of(), List.of());

    public PolicySelector {
        matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
    }

    /** Whether a PVC with these labels is selected. */
    public boolean matches(Map<String, String> labels) {
        Map<String, String> actual = labels == null ? Map.of() : labels;
        return matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(actual.get(e.getKey())))
                && matchExpressions.stream().allMatch(r -> r.matches(actual));
    }

    /**
     * The selector as an equality selector when it is one (no expressions): what a backup request
     * can carry. Empty when the selector has expressions; an empty map when it selects everything.
     */
    public Optional<Map<String, String>> asEquality() {
        return matchExpressions.isEmpty() ? Optional.of(matchLabels) : Optional.empty();
    }

    /** What is wrong with the keys and values, as the API server would say it; empty if nothing. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!matchLabels.isEmpty()) {
            LabelSelector.problems(matchLabels).forEach(p -> problems.add("selector.matchLabels: " + p));
        }
        for (int i = 0; i < matchExpressions.size(); i++) {
            Requirement requirement = matchExpressions.get(i);
            String where = "selector.matchExpressions[" + i + "]";
            for (String problem : LabelSelector.problems(java.util.Collections.singletonMap(requirement.key(), "x"))) {
                problems.add(where + ": " + problem);
            }
            boolean needsValues = requirement.operator() == Operator.In || requirement.operator() == Operator.NotIn;
            if (needsValues && requirement.values().isEmpty()) {
                problems.add(where + ": operator " + requirement.operator() + " needs at least one value");
            }
            if (!needsValues && !requirement.values().isEmpty()) {
                problems.add(where + ": operator " + requirement.operator() + " takes no values");
            }
            for (String value : requirement.values()) {
                LabelSelector.problems(Map.of("k", value)).forEach(p -> problems.add(where + ": value '" + value
                        + "' is not a label value"));
            }
        }
        return problems;
    }

    @Override
    public String toString() {
        List<String> terms = new ArrayList<>();
        matchLabels.forEach((k, v) -> terms.add(k + "=" + v));
        for (Requirement r : matchExpressions) {
            terms.add(switch (r.operator()) {
                case In -> r.key() + " in (" + String.join(",", r.values()) + ")";
                case NotIn -> r.key() + " notin (" + String.join(",", r.values()) + ")";
                case Exists -> r.key();
                case DoesNotExist -> "!" + r.key();
            });
        }
        return terms.isEmpty() ? "(all PVCs)" : String.join(",", terms);
    }
}
