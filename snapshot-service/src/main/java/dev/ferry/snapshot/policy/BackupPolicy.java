package dev.ferry.snapshot.policy;

import dev.ferry.events.CopySpeed;
import dev.ferry.events.RecoveryObjectives;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.validation.Dns1123;
import dev.ferry.snapshot.BackupAdmission;
import dev.ferry.support.time.KubeDurations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code ferry.dev/v1alpha1} BackupPolicy as the scheduler sees it: which PVCs of which
 * namespace to back up, on which cron schedule, how many snapshots per PVC to keep, how and where
 * to copy them, and its status. Read from the resource's spec without trusting it: the API server
 * checks the CRD's schema, but not the cron or selector semantics (and a test's mock checks nothing),
 * so everything wrong is collected in {@link #problems()} and such a policy never runs.
 *
 * @param namespace the namespace whose PVCs are backed up
 * @param schedule  the parsed schedule; null when {@code problems} is not empty
 * @param strategy  the transfer strategy; {@code vhd-incremental} when the spec names none (as the CRD's default)
 * @param copySpeed Azure's copy speed for copy-start; null (export-service's configured one) when the spec names none
 * @param objectives the recovery objectives the spec states ({@code rpoTarget}, {@code rtoTarget}); null when none
 * @param target    the DR target as written (fields may be null), or null
 */
public record BackupPolicy(PolicyRef ref, long generation, Instant createdAt, String namespace, PolicySelector selector,
                           String scheduleText, CronSchedule schedule, int keep, TransferStrategy strategy, CopySpeed copySpeed,
                           PolicyTarget target, RecoveryObjectives objectives,
                           boolean suspend, PolicyStatus status, List<String> problems) {


    public BackupPolicy {
        problems = List.copyOf(problems);
        status = status == null ? PolicyStatus.EMPTY : status;
    }

    public boolean isValid() {
        return problems.isEmpty();
    }

    /** Reads a policy from its resource's spec (a JSON tree of maps, lists and scalars). */
    public static BackupPolicy read(PolicyRef ref, long generation, Instant createdAt, Map<String, ?> spec, PolicyStatus status) {
        List<String> problems = new ArrayList<>();
        Map<String, ?> s = spec == null ? Map.of() : spec;
        if (spec == null) {
            problems.add("spec is required");
        }
        if (BackupAdmission.MANUAL_POLICY.equals(ref.name())) {
            problems.add("the name '" + BackupAdmission.MANUAL_POLICY + "' is reserved for one-off backups; give the policy another name");
        }

        String namespace = text(s, "namespace", problems);
        if (namespace == null) {
            namespace = ref.namespace();
        } else if (!Dns1123.isLabel(namespace)) {
            problems.add("namespace '" + namespace + "' is not a namespace name (a DNS-1123 label)");
        }

        PolicySelector selector = selector(s.get("selector"), problems);

        String scheduleText = text(s, "schedule", problems);
        CronSchedule schedule = null;
        if (scheduleText == null) {
            problems.add("schedule is required: a 5-field cron expression such as \"0 2 * * *\"");
        } else {
            try {
                schedule = CronSchedule.parse(scheduleText);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }

        int keep = 0;
        Object keepValue = s.get("keep");
        if (keepValue == null) {
            problems.add("keep is required: how many snapshots per PVC to keep, at least 1");
        } else if (keepValue instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() >= 1
                && n.longValue() <= Integer.MAX_VALUE) {
            keep = n.intValue();
        } else {
            problems.add("keep must be a whole number of at least 1 but is '" + keepValue + "'");
        }

        TransferStrategy strategy = TransferStrategy.VHD_INCREMENTAL;
        String strategyText = text(s, "strategy", problems);
        if (strategyText != null) {
            try {
                strategy = TransferStrategy.fromWireName(strategyText);
            } catch (IllegalArgumentException e) {
                problems.add("strategy '" + strategyText + "' is unknown: vhd-full, vhd-incremental or copy-start");
            }
        }

        CopySpeed copySpeed = null;
        String speedText = text(s, "copySpeed", problems);
        if (speedText != null) {
            try {
                copySpeed = CopySpeed.fromWireName(speedText);
            } catch (IllegalArgumentException e) {
                problems.add("copySpeed '" + speedText + "' is unknown: standard or enhanced");
            }
            if (strategy != TransferStrategy.COPY_START) {
                problems.add("copySpeed applies only to the copy-start strategy, not to " + strategy.wireName());
            }
        }

        PolicyTarget target = target(s.get("target"), problems);
        RecoveryObjectives objectives = RecoveryObjectives.of(objective(s, "rpoTarget", problems), objective(s, "rtoTarget", problems));

        boolean suspend = false;
        Object suspendValue = s.get("suspend");
        if (suspendValue instanceof Boolean b) {
            suspend = b;
        } else if (suspendValue != null) {
            problems.add("suspend must be true or false but is '" + suspendValue + "'");
        }
        return new BackupPolicy(ref, generation, createdAt, namespace, selector, scheduleText, problems.isEmpty() ? schedule : null,
                keep, strategy, copySpeed, target, objectives, suspend, status, problems);
    }

    /** A recovery objective as Kubernetes writes durations: {@code 90s}, {@code 15m}, {@code 1h}, {@code 1h30m}. */
    private static Duration objective(Map<String, ?> spec, String field, List<String> problems) {
        String text = text(spec, field, problems);
        if (text == null) {
            return null;
        }
        Optional<Duration> duration = KubeDurations.parse(text).filter(d -> d.toSeconds() <= RecoveryObjectives.MAX_SECONDS);
        if (duration.isEmpty()) {
            problems.add(field + " must be a duration such as 15m, 1h or 1h30m, above 0 and at most a year, but is '" + text + "'");
            return null;
        }
        return duration.get();
    }

    private static PolicySelector selector(Object value, List<String> problems) {
        if (value == null) {
            return PolicySelector.ALL;
        }
        if (!(value instanceof Map<?, ?> map)) {
            problems.add("selector must be a label selector (matchLabels, matchExpressions)");
            return PolicySelector.ALL;
        }
        Map<String, String> matchLabels = new LinkedHashMap<>();
        Object labels = map.get("matchLabels");
        if (labels instanceof Map<?, ?> labelMap) {
            labelMap.forEach((k, v) -> {
                if (v instanceof String text) {
                    matchLabels.put(String.valueOf(k), text);
                } else {
                    problems.add("selector.matchLabels value of '" + k + "' must be a string");
                }
            });
        } else if (labels != null) {
            problems.add("selector.matchLabels must be a map of label keys to values");
        }
        List<PolicySelector.Requirement> requirements = new ArrayList<>();
        Object expressions = map.get("matchExpressions");
        if (expressions instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                String where = "selector.matchExpressions[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> expression)) {
                    problems.add(where + " must be an object with key, operator and values");
                    continue;
                }
                Object key = expression.get("key");
                Object operator = expression.get("operator");
                Object values = expression.get("values");
                PolicySelector.Operator op = null;
                for (PolicySelector.Operator candidate : PolicySelector.Operator.values()) {
                    if (candidate.name().equals(operator)) {
                        op = candidate;
                    }
                }
                if (!(key instanceof String)) {
                    problems.add(where + ".key is required");
                }
                if (op == null) {
                    problems.add(where + ".operator '" + operator + "' is not In, NotIn, Exists or DoesNotExist");
                }
                List<String> texts = new ArrayList<>();
                if (values instanceof List<?> valueList) {
                    valueList.forEach(v -> {
                        if (v instanceof String text) {
                            texts.add(text);
                        } else {
                            problems.add(where + ".values must be strings");
                        }
                    });
                } else if (values != null) {
                    problems.add(where + ".values must be a list of strings");
                }
                if (key instanceof String k && op != null) {
                    requirements.add(new PolicySelector.Requirement(k, op, texts));
                }
            }
        } else if (expressions != null) {
            problems.add("selector.matchExpressions must be a list");
        }
        PolicySelector selector = new PolicySelector(matchLabels, requirements);
        problems.addAll(selector.problems());
        return selector;
    }

    private static PolicyTarget target(Object value, List<String> problems) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            problems.add("target must be an object with region, resourceGroup and stagingStorageAccountId");
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> fields = (Map<String, ?>) map;
        String region = text(fields, "region", problems, "target.");
        String group = text(fields, "resourceGroup", problems, "target.");
        String account = text(fields, "stagingStorageAccountId", problems, "target.");
        if (region != null && !region.matches("[a-z0-9]+")) {
            problems.add("target.region '" + region + "' is not an Azure region name such as westus");
        }
        if (group != null && !ArmResourceId.isResourceGroupName(group)) {
            problems.add("target.resourceGroup '" + group + "' is not a resource group name");
        }
        if (account != null) {
            try {
                ArmResourceId id = ArmResourceId.parse(account);
                if (!id.isOfType("Microsoft.Storage", "storageAccounts")) {
                    problems.add("target.stagingStorageAccountId '" + account + "' is not a storage account id");
                }
            } catch (IllegalArgumentException e) {
                problems.add("target.stagingStorageAccountId '" + account + "' is not an Azure resource id: " + e.getMessage());
            }
        }
        return new PolicyTarget(region, group, account);
    }

    private static String text(Map<String, ?> map, String field, List<String> problems) {
        return text(map, field, problems, "");
    }

    private static String text(Map<String, ?> map, String field, List<String> problems, String prefix) {
        Object value = map.get(field);
        if (value == null) {
            return null;
        }
        if (value instanceof String text && !text.isBlank()) {
            return text;
        }
        problems.add(prefix + field + " must be a non-empty string but is '" + value + "'");
        return null;
    }
}
