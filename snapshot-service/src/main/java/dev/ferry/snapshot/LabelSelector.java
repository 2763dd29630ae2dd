package dev.ferry.snapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An equality-based Kubernetes label selector ({@code app=shop,tier==db}), parsed and checked the
 * way the API server checks label keys and values. Set-based and inequality selectors are refused:
 * a backup must say exactly which PVCs it means.
 */
public final class LabelSelector {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern PREFIX =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private LabelSelector() {
    }

    /** A selector that cannot be used, with every reason. */
    public static final class InvalidSelector extends IllegalArgumentException {

        private final List<String> problems;

        InvalidSelector(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /**
     * Parses {@code key=value[,key==value...]} into an ordered map.
     *
     * @throws InvalidSelector naming every broken term
     */
    public static Map<String, String> parse(String selector) {
        if (selector == null || selector.isBlank()) {
            throw new InvalidSelector(List.of("labelSelector must not be empty"));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String term : selector.split(",", -1)) {
            String trimmed = term.trim();
            if (trimmed.isEmpty()) {
                problems.add("labelSelector has an empty term");
                continue;
            }
            if (trimmed.contains("!=") || trimmed.startsWith("!") || trimmed.matches("(?s).*\\s(in|notin)\\s.*")) {
                problems.add("labelSelector term '" + trimmed + "' is not supported: only equality (key=value) selects PVCs for a backup");
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq < 0) {
                problems.add("labelSelector term '" + trimmed + "' is not supported: only equality (key=value) selects PVCs for a backup");
                continue;
            }
            String key = trimmed.substring(0, eq).trim();
            String value = trimmed.substring(trimmed.startsWith("==", eq) ? eq + 2 : eq + 1).trim();
            if (labels.containsKey(key) && !labels.get(key).equals(value)) {
                problems.add("labelSelector asks for label '" + key + "' twice with different values");
                continue;
            }
            labels.put(key, value);
        }
        problems.addAll(problems(labels));
        if (!problems.isEmpty()) {
            throw new InvalidSelector(problems);
        }
        return Collections.unmodifiableMap(labels);
    }

    /** What is wrong with the keys and values of an equality selector given as a map; empty if nothing. */
    public static List<String> problems(Map<String, String> labels) {
        List<String> problems = new ArrayList<>();
        if (labels == null) {
            return problems;
        }
        if (labels.isEmpty()) {
            problems.add("labelSelector must name at least one label");
        }
        labels.forEach((key, value) -> {
            String keyProblem = keyProblem(key);
            if (keyProblem != null) {
                problems.add(keyProblem);
            }
            if (value == null || !VALUE.matcher(value).matches()) {
                problems.add("labelSelector value '" + value + "' of '" + key + "' must be at most 63 letters, digits, '-', '_' or '.',"
                        + " starting and ending with a letter or digit");
            }
        });
        return problems;
    }

    private static String keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return "labelSelector has an empty label key";
        }
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (prefix != null && (prefix.isEmpty() || prefix.length() > 253 || !PREFIX.matcher(prefix).matches())) {
            return "labelSelector key '" + key + "' has a prefix that is not a DNS-1123 subdomain";
        }
        if (!NAME.matcher(name).matches()) {
            return "labelSelector key '" + key + "' must be at most 63 letters, digits, '-', '_' or '.' (after an optional prefix/),"
                    + " starting and ending with a letter or digit";
        }
        return null;
    }
}
