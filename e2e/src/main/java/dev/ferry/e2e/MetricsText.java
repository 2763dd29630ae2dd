package dev.ferry.e2e;

/** Reads a service's {@code /q/metrics} (Prometheus' text format): one sample per line, its value last. */
final class MetricsText {

    private MetricsText() {
    }

    /** The value of one sample line, e.g. {@code ferry_azure_arm_writes_total{operation="x"} 3.0}. */
    static double value(String sampleLine) {
        return Double.parseDouble(sampleLine.substring(sampleLine.lastIndexOf(' ') + 1));
    }

    /** The sum of the samples whose line starts with {@code prefix} and contains {@code label} (say {@code ""} for any). */
    static double sum(String metrics, String prefix, String label) {
        return metrics.lines().filter(l -> l.startsWith(prefix) && l.contains(label)).mapToDouble(MetricsText::value).sum();
    }
}
