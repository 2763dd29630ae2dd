package dev.ferry.events.validation;

import dev.ferry.events.arm.ArmResourceId;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Collects the broken rules of one event while its parts validate themselves.
 *
 * <p>Each check takes the field's name relative to the current path; {@link #at(String)} descends
 * into a nested part, so a violation names the full path such as {@code volume.pvc.name}.
 */
public final class Violations {

    private static final Pattern UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern REGION = Pattern.compile("[a-z][a-z0-9]{1,39}");
    private static final int MAX_TEXT = 1024;

    private final String path;
    private final List<Violation> found;

    public Violations() {
        this("", new ArrayList<>());
    }

    private Violations(String path, List<Violation> found) {
        this.path = path;
        this.found = found;
    }

    /** The same collector, with field names below {@code field}. */
    public Violations at(String field) {
        return new Violations(qualify(field), found);
    }

    /** Records a violation of a rule that no check below expresses. */
    public void add(String field, String message) {
        found.add(new Violation(qualify(field), message));
    }

    public List<Violation> list() {
        return List.copyOf(found);
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    /** Throws {@link InvalidEventException} if anything was found. */
    public void throwIfAny(String eventType) {
        if (!found.isEmpty()) {
            throw new InvalidEventException(eventType, found);
        }
    }

    /** Checks that a value is present; returns whether it is, so callers can skip further checks. */
    public boolean required(String field, Object value) {
        if (value == null) {
            add(field, "is required");
            return false;
        }
        return true;
    }

    /** A required, non-blank text of at most 1024 characters. */
    public void text(String field, String value) {
        if (required(field, value) && (value.isBlank() || value.length() > MAX_TEXT)) {
            add(field, "must be non-blank text of at most " + MAX_TEXT + " characters");
        }
    }

    public void dnsLabel(String field, String value) {
        if (required(field, value) && !Dns1123.isLabel(value)) {
            add(field, "must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending"
                    + " with a letter or digit, at most 63 characters) but is '" + value + "'");
        }
    }

    public void dnsSubdomain(String field, String value) {
        if (required(field, value) && !Dns1123.isSubdomain(value)) {
            add(field, "must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253"
                    + " characters) but is '" + value + "'");
        }
    }

    /** A Kubernetes object UID: a lower-case UUID. */
    public void uid(String field, String value) {
        if (required(field, value) && !UUID.matcher(value).matches()) {
            add(field, "must be a lower-case UUID but is '" + value + "'");
        }
    }

    /** An Azure region name such as {@code westus2}. */
    public void region(String field, String value) {
        if (required(field, value) && !REGION.matcher(value).matches()) {
            add(field, "must be an Azure region name such as 'westus2' but is '" + value + "'");
        }
    }

    public void positive(String field, long value) {
        if (value <= 0) {
            add(field, "must be greater than 0 but is " + value);
        }
    }

    public void notNegative(String field, long value) {
        if (value < 0) {
            add(field, "must not be negative but is " + value);
        }
    }

    public void oneOf(String field, String value, Set<String> allowed) {
        if (required(field, value) && !allowed.contains(value)) {
            add(field, "must be one of " + allowed + " but is '" + value + "'");
        }
    }

    /** A present resource id of the given type, e.g. {@code Microsoft.Compute}, {@code snapshots}. */
    public void resourceId(String field, ArmResourceId id, String providerNamespace, String resourceType) {
        if (required(field, id) && !id.isOfType(providerNamespace, resourceType)) {
            add(field, "must be the id of a " + providerNamespace + "/" + resourceType + " but is of a "
                    + id.providerNamespace() + "/" + id.resourceType());
        }
    }

    /** An absolute http(s) URL that carries no query: a SAS or any other credential never travels in an event. */
    public void urlWithoutQuery(String field, String value) {
        if (!required(field, value)) {
            return;
        }
        try {
            URI uri = new URI(value);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                add(field, "must be an absolute http(s) URL");
            } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                // The value is not echoed: its query may be a SAS token.
                add(field, "must not carry a query string or fragment (no SAS in events)");
            }
        } catch (URISyntaxException e) {
            add(field, "is not a valid URL");
        }
    }

    public void nonEmpty(String field, Collection<?> values) {
        if (required(field, values) && values.isEmpty()) {
            add(field, "must not be empty");
        }
    }

    /** Validates a present nested part under {@code field}. */
    public void part(String field, Validatable part) {
        if (required(field, part)) {
            part.validate(at(field));
        }
    }

    /** Validates a nested part under {@code field} if it is present. */
    public void optionalPart(String field, Validatable part) {
        if (part != null) {
            part.validate(at(field));
        }
    }

    /** Kubernetes label keys and values, as a selector or as an object's labels. */
    public void labels(String field, Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        labels.forEach((key, value) -> {
            if (key == null || key.isEmpty() || key.length() > 317) {
                add(field, "has an empty or too long label key");
            } else if (value == null || value.length() > 63) {
                add(field + "." + key, "must be a label value of at most 63 characters");
            }
        });
    }

    private String qualify(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
