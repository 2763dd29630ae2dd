package dev.ferry.localcloud.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.ferry.localcloud.kube.rbac.AccessReviewDispatcher;
import dev.ferry.localcloud.kube.rbac.ClusterIdentities;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * A stand-in Kubernetes API server for one cluster: fabric8's mock in CRUD mode on loopback, over TLS, with the CSI
 * snapshot CRDs installed, reachable through its client or through the kubeconfig file it writes.
 */
public final class KubeCluster implements AutoCloseable {

    /** The User-Agent of the local cloud's own client, which tells its API requests from Ferry's. */
    public static final String OWN_USER_AGENT = "ferry-local-cloud";

    /** The part a cluster plays in a DR run; each role gets its own API server. */
    public enum Role {
        SOURCE, DR;

        /** The kubeconfig name of the cluster, context and user: {@code source} or {@code dr}. */
        public String contextName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The API group of the CSI snapshot resources. */
    public static final String SNAPSHOT_GROUP = "snapshot.storage.k8s.io";

    /** {@code VolumeSnapshot}: namespaced, with a status subresource. */
    public static final ResourceDefinitionContext VOLUME_SNAPSHOTS =
            snapshotResource("VolumeSnapshot", "volumesnapshots", true);

    /** {@code VolumeSnapshotContent}: cluster-scoped, with a status subresource. */
    public static final ResourceDefinitionContext VOLUME_SNAPSHOT_CONTENTS =
            snapshotResource("VolumeSnapshotContent", "volumesnapshotcontents", false);

    /** {@code VolumeSnapshotClass}: cluster-scoped, no status. */
    public static final ResourceDefinitionContext VOLUME_SNAPSHOT_CLASSES =
            snapshotResource("VolumeSnapshotClass", "volumesnapshotclasses", false);

    private static final String SNAPSHOT_VERSION = "v1";
    // The mock logs every request at INFO through java.util.logging; held here so the level set below sticks.
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger(MockWebServer.class.getName());

    static {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
    }

    private final Role role;
    private final KubernetesMockServer server;
    private final Path kubeconfig;
    private final KubernetesClient client;
    private final ClusterIdentities identities;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KubeCluster(Role role, KubernetesMockServer server, Path kubeconfig, KubernetesClient client,
                        ClusterIdentities identities) {
        this.role = role;
        this.server = server;
        this.kubeconfig = kubeconfig;
        this.client = client;
        this.identities = identities;
    }

    /**
     * The bearer tokens this cluster's TokenReview accepts: issue one for a user or a service account, as a test or
     * a local run calls Ferry's APIs with it. Its SubjectAccessReview evaluates the RBAC objects the cluster holds.
     */
    public ClusterIdentities identities() {
        return identities;
    }

    /** The group Kubernetes binds to the {@code cluster-admin} ClusterRole when it bootstraps. */
    public static final String MASTERS_GROUP = "system:masters";
    private static final String RBAC_GROUP = "rbac.authorization.k8s.io";

    /**
     * A token of a cluster administrator (user {@code cluster-admin@local} in {@value #MASTERS_GROUP}), valid for a day:
     * what a test or a local run calls Ferry's APIs with when it is not testing who may do what.
     */
    public String adminToken() {
        return identities.issueUser("cluster-admin@local", List.of(MASTERS_GROUP), Duration.ofDays(1));
    }

    /**
     * Grants a user a ClusterRole, as an administrator would with {@code kubectl create rolebinding} in a namespace, or
     * with {@code kubectl create clusterrolebinding} everywhere ({@code namespace} null).
     */
    public void bind(String user, String clusterRole, String namespace) {
        String name = (user + "-" + clusterRole).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        if (namespace == null) {
            client.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata()
                    .withNewRoleRef().withApiGroup(RBAC_GROUP).withKind("ClusterRole").withName(clusterRole).endRoleRef()
                    .addNewSubject().withApiGroup(RBAC_GROUP).withKind("User").withName(user).endSubject().build()).create();
        } else {
            client.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata().withName(name)
                    .withNamespace(namespace).endMetadata()
                    .withNewRoleRef().withApiGroup(RBAC_GROUP).withKind("ClusterRole").withName(clusterRole).endRoleRef()
                    .addNewSubject().withApiGroup(RBAC_GROUP).withKind("User").withName(user).endSubject().build()).create();
        }
    }

    /** Creates every object of a manifest file (several documents allowed), as {@code kubectl create -f} does. */
    public void create(Path manifest) {
        try (var in = Files.newInputStream(manifest)) {
            for (HasMetadata item : client.load(in).items()) {
                client.resource(item).create();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
    }

    /** Starts an empty cluster for the role on a free loopback port, with the snapshot CRDs installed. */
    public static KubeCluster start(Role role) {
        Objects.requireNonNull(role, "role");
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        ClusterIdentities identities = new ClusterIdentities(Clock.systemUTC());
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
                new AccessReviewDispatcher(expectations, identities), true);
        server.init(loopback(), 0);
        Path kubeconfig = null;
        KubernetesClient client = null;
        try {
            kubeconfig = writeKubeconfig(role, server);
            // The handed-out client reads the same kubeconfig a separate process would, so both take one path.
            Config config = Config.fromKubeconfig(kubeconfig.toFile());
            config.setUserAgent(OWN_USER_AGENT);
            client = new KubernetesClientBuilder().withConfig(config).build();
            installSnapshotCrds(client);
            installBootstrapRbac(client);
            return new KubeCluster(role, server, kubeconfig, client, identities);
        } catch (RuntimeException e) {
            if (client != null) {
                client.close();
            }
            server.destroy();
            deleteQuietly(kubeconfig);
            throw e;
        }
    }

    /** The role this cluster plays. */
    public Role role() {
        return role;
    }

    /** A client for this cluster, closed by {@link #close()}. */
    public KubernetesClient client() {
        return client;
    }

    /** A kubeconfig file whose current context reaches this cluster, trusting its self-signed certificate. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /**
     * The API requests served since the last call (the mock records every one), counted by caller, verb and
     * resource: {@code local-cloud GET persistentvolumeclaims}, {@code others PATCH volumesnapshots/status},
     * {@code others WATCH volumesnapshots}. The local cloud's own client (the CSI simulator, tests, the local
     * runs) is {@code local-cloud}; every other client (Ferry's services) is {@code others}.
     */
    public Map<String, Long> takeRequestCounts() {
        Map<String, Long> counts = new TreeMap<>();
        try {
            for (RecordedRequest request = server.takeRequest(0, TimeUnit.MILLISECONDS); request != null;
                 request = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
                String agent = request.getHeader("User-Agent");
                String caller = agent != null && agent.startsWith(OWN_USER_AGENT) ? "local-cloud" : "others";
                counts.merge(caller + " " + verb(request) + " " + resource(request.getPath()), 1L, Long::sum);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return counts;
    }

    private static String verb(RecordedRequest request) {
        String path = request.getPath();
        return path != null && path.contains("watch=true") ? "WATCH" : request.getMethod();
    }

    /** The resource a path names: {@code /api/v1/namespaces/shop/persistentvolumeclaims/data} is {@code persistentvolumeclaims}. */
    static String resource(String path) {
        if (path == null) {
            return "?";
        }
        int query = path.indexOf('?');
        List<String> parts = List.of((query < 0 ? path : path.substring(0, query)).replaceAll("^/+", "").split("/"));
        int i = parts.get(0).equals("api") ? 2 : parts.get(0).equals("apis") ? 3 : parts.size();
        if (i >= parts.size()) {
            return String.join("/", parts);
        }
        if (parts.get(i).equals("namespaces") && parts.size() > i + 2) {
            i += 2;
        }
        String resource = parts.get(i);
        return parts.size() > i + 2 ? resource + "/" + parts.get(i + 2) : resource;
    }

    /** The API server's URL, e.g. {@code https://localhost:41234/}. */
    public String masterUrl() {
        return server.url("/");
    }

    /** Closes the client, stops the server and deletes the kubeconfig file. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            client.close();
        } finally {
            server.destroy();
            if (server.getSelfSignedCertificate() != null) {
                server.getSelfSignedCertificate().delete();
            }
            deleteQuietly(kubeconfig);
        }
    }

    @Override
    public String toString() {
        return "KubeCluster[" + role.contextName() + ", " + masterUrl() + "]";
    }

    private static ResourceDefinitionContext snapshotResource(String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(SNAPSHOT_GROUP)
                .withVersion(SNAPSHOT_VERSION)
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(namespaced)
                .build();
    }

    // 127.0.0.1 even where Java prefers ::1; named "localhost" because that is the name the mock's certificate holds.
    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writeKubeconfig(Role role, KubernetesMockServer server) {
        String name = role.contextName();
        String caPem;
        try {
            caPem = Files.readString(Path.of(server.getSelfSignedCertificate().certificatePath()),
                    StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the mock API server's certificate", e);
        }
        io.fabric8.kubernetes.api.model.Config kubeconfig = new io.fabric8.kubernetes.api.model.ConfigBuilder()
                .withApiVersion("v1")
                .withKind("Config")
                .withClusters(new NamedClusterBuilder()
                        .withName(name)
                        .withNewCluster()
                        .withServer(server.url("/"))
                        .withCertificateAuthorityData(Base64.getEncoder()
                                .encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)))
                        .endCluster()
                        .build())
                .withUsers(new NamedAuthInfoBuilder()
                        .withName(name)
                        // The mock accepts any token; one is sent so requests look like a real cluster's.
                        .withNewUser().withToken("ferry-local-" + name).endUser()
                        .build())
                .withContexts(new NamedContextBuilder()
                        .withName(name)
                        .withNewContext().withCluster(name).withUser(name).withNamespace("default").endContext()
                        .build())
                .withCurrentContext(name)
                .build();
        try {
            Path file = Files.createTempFile("ferry-kubeconfig-" + name + "-", ".yaml");
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(file, new KubernetesSerialization().asYaml(kubeconfig), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the kubeconfig for the " + name + " cluster", e);
        }
    }

    // A real cluster with the CSI snapshotter has these; the mock needs them to treat status as a subresource.
    /** What a new cluster's RBAC holds that Ferry's tests rely on: {@code cluster-admin}, bound to {@value #MASTERS_GROUP}. */
    private static void installBootstrapRbac(KubernetesClient client) {
        client.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("cluster-admin").endMetadata()
                .addNewRule().withApiGroups("*").withResources("*").withVerbs("*").endRule()
                .addNewRule().withNonResourceURLs("*").withVerbs("*").endRule().build()).create();
        client.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("cluster-admin")
                .endMetadata().withNewRoleRef().withApiGroup(RBAC_GROUP).withKind("ClusterRole")
                .withName("cluster-admin").endRoleRef()
                .addNewSubject().withApiGroup(RBAC_GROUP).withKind("Group").withName(MASTERS_GROUP).endSubject()
                .build()).create();
    }

    private static void installSnapshotCrds(KubernetesClient client) {
        for (ResourceDefinitionContext resource : List.of(VOLUME_SNAPSHOT_CLASSES, VOLUME_SNAPSHOT_CONTENTS,
                VOLUME_SNAPSHOTS)) {
            client.apiextensions().v1().customResourceDefinitions()
                    .resource(crd(resource, resource != VOLUME_SNAPSHOT_CLASSES))
                    .create();
        }
    }

    private static CustomResourceDefinition crd(ResourceDefinitionContext resource, boolean statusSubresource) {
        CustomResourceDefinitionBuilder builder = new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(resource.getPlural() + "." + resource.getGroup()).endMetadata()
                .withNewSpec()
                .withGroup(resource.getGroup())
                .withScope(resource.isNamespaceScoped() ? "Namespaced" : "Cluster")
                .withNewNames()
                .withKind(resource.getKind())
                .withListKind(resource.getKind() + "List")
                .withPlural(resource.getPlural())
                .withSingular(resource.getKind().toLowerCase(Locale.ROOT))
                .endNames()
                .addNewVersion()
                .withName(resource.getVersion())
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec();
        if (statusSubresource) {
            builder.editSpec().editFirstVersion().withNewSubresources().withNewStatus().endStatus()
                    .endSubresources().endVersion().endSpec();
        }
        return builder.build();
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover temporary kubeconfig is harmless; failing close() over it would hide the real outcome.
        }
    }
}
