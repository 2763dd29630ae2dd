package dev.ferry.snapshot.api;

import dev.ferry.events.validation.Dns1123;
import dev.ferry.snapshot.BackupRefused;
import dev.ferry.snapshot.policy.BackupPolicies;
import dev.ferry.snapshot.policy.BackupPolicy;
import dev.ferry.snapshot.policy.PolicyCondition;
import dev.ferry.support.api.Problem;
import dev.ferry.support.api.ProblemException;
import dev.ferry.support.auth.Caller;
import dev.ferry.support.auth.ClusterAccess;
import dev.ferry.support.auth.CurrentCaller;
import dev.ferry.support.auth.Permission;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;

/**
 * The BackupPolicies as the service understands them, read-only: policies are Kubernetes resources,
 * written with kubectl or GitOps; this shows what the scheduler makes of each (problems included).
 */
@Path("/api/v1/policies")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class PolicyResource {


    /** A policy as the API shows it. */
    public record PolicyView(String namespace, String name, String backupNamespace, String selector, String schedule, int keep,
                             String strategy, String copySpeed, Long rpoTargetSeconds, Long rtoTargetSeconds, boolean suspend, boolean valid, List<String> problems, Instant lastScheduleTime,
                             String lastBackupId, Instant nextScheduleTime, List<PolicyCondition> conditions) {
    }

    /** BackupPolicy's own resource: whoever may read the policies with kubectl may read them here. */
    static final String POLICIES = "backuppolicies";

    private final BackupPolicies policies;
    private final Clock clock;
    private final ClusterAccess access;
    private final CurrentCaller caller;

    public PolicyResource(BackupPolicies policies, Clock clock, ClusterAccess access, CurrentCaller caller) {
        this.access = access;
        this.caller = caller;
        this.policies = policies;
        this.clock = clock;
    }

    /** The policies of a namespace (403 unless the caller may list them there); without it, of every namespace the caller may. */
    @GET
    public List<PolicyView> list(@QueryParam("namespace") String namespace) {
        Caller who = caller.get();
        if (namespace != null) {
            checkNamespace(namespace);
            access.require(who, Permission.ferry("list", POLICIES, namespace));
        }
        if (namespace != null) {
            return policies.list().stream().filter(p -> namespace.equals(p.ref().namespace())).map(this::view).toList();
        }
        return access.listable(who, POLICIES, policies.list(), p -> p.ref().namespace()).stream().map(this::view).toList();
    }

    /** One policy. */
    @APIResponseSchema(value = PolicyView.class, responseCode = "200", responseDescription = "The policy")
    @APIResponse(responseCode = "404", description = "The policy does not exist")
    @GET
    @Path("{namespace}/{name}")
    public PolicyView get(@PathParam("namespace") String namespace, @PathParam("name") String name) {
        checkNamespace(namespace);
        access.require(caller.get(), Permission.ferry("get", POLICIES, namespace));
        return policies.find(namespace, name).map(this::view).orElseThrow(() -> new ProblemException(404, "policy-not-found",
                "No such backup policy", "No BackupPolicy " + namespace + "/" + name + " is known."));
    }

    private static void checkNamespace(String namespace) {
        if (!Dns1123.isLabel(namespace)) {
            throw new BackupRefused(BackupRefused.Reason.INVALID_REQUEST, "The namespace is not a namespace name.",
                    List.of("namespace: must be a DNS-1123 label but is '" + namespace + "'"));
        }
    }

    private PolicyView view(BackupPolicy p) {
        Instant next = p.schedule() == null || p.suspend() ? null : p.schedule().nextFireAfter(clock.instant()).orElse(null);
        return new PolicyView(p.ref().namespace(), p.ref().name(), p.namespace(), p.selector().toString(), p.scheduleText(), p.keep(),
                p.strategy().wireName(), p.copySpeed() == null ? null : p.copySpeed().wireName(),
                p.objectives() == null ? null : p.objectives().rpoTargetSeconds(), p.objectives() == null ? null : p.objectives().rtoTargetSeconds(),
                p.suspend(), p.isValid(), p.problems(), p.status().lastScheduleTime(), p.status().lastBackupId(),
                next, p.status().conditions());
    }
}
