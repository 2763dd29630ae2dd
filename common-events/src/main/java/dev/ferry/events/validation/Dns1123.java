package dev.ferry.events.validation;

import java.util.regex.Pattern;

/** Kubernetes' DNS-1123 names: what a namespace, a PVC or an object name must be. One definition for every service. */
public final class Dns1123 {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private Dns1123() {
    }

    /** A label: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (a namespace). */
    public static boolean isLabel(String text) {
        return text != null && LABEL.matcher(text).matches();
    }

    /** A subdomain: labels joined by '.', at most 253 characters (a PVC or most object names). */
    public static boolean isSubdomain(String text) {
        return text != null && text.length() <= 253 && SUBDOMAIN.matcher(text).matches();
    }
}
