package dev.ferry.localcloud.azurite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import com.azure.core.http.HttpRange;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobContainerItem;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.ferry.localcloud.LoopbackPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzuriteIT {

    private static final long MIB = 1024 * 1024;
    private static final long DISK_SIZE = 8 * MIB;
    private static final long FIRST_OFFSET = 3 * 512;
    private static final int FIRST_LENGTH = 2 * 512;
    private static final long SECOND_OFFSET = 5 * MIB;
    private static final int SECOND_LENGTH = 64 * 1024;

    private static Azurite azurite;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.builder().account("regionb").account("catalog").start();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void pageBlobKeepsPagesAtTheirOffsetsAndListsExactlyTheWrittenRanges() {
        PageBlobClient disk = client("regionb").createBlobContainer("vhds")
                .getBlobClient("disk-0001.vhd").getPageBlobClient();
        disk.create(DISK_SIZE);
        byte[] first = randomBytes(FIRST_LENGTH, 1);
        byte[] second = randomBytes(SECOND_LENGTH, 2);

        disk.uploadPages(new PageRange().setStart(FIRST_OFFSET).setEnd(FIRST_OFFSET + FIRST_LENGTH - 1),
                new ByteArrayInputStream(first));
        disk.uploadPages(new PageRange().setStart(SECOND_OFFSET).setEnd(SECOND_OFFSET + SECOND_LENGTH - 1),
                new ByteArrayInputStream(second));

        assertThat(disk.getProperties().getBlobSize()).isEqualTo(DISK_SIZE);
        assertThat(read(disk, FIRST_OFFSET, FIRST_LENGTH)).isEqualTo(first);
        assertThat(read(disk, SECOND_OFFSET, SECOND_LENGTH)).isEqualTo(second);
        // A range straddling written and unwritten pages: the unwritten part of a page blob reads as zeros.
        byte[] straddling = read(disk, FIRST_OFFSET - 512, FIRST_LENGTH + 1024);
        assertThat(straddling).startsWith(new byte[512]).endsWith(new byte[512]);
        assertThat(Arrays.copyOfRange(straddling, 512, 512 + FIRST_LENGTH)).isEqualTo(first);

        List<HttpRange> ranges = disk.listPageRanges(new BlobRange(0, DISK_SIZE)).stream()
                .filter(item -> !item.isClear())
                .map(PageRangeItem::getRange)
                .collect(Collectors.toList());
        assertThat(ranges).extracting(HttpRange::getOffset, HttpRange::getLength).containsExactly(
                tuple(FIRST_OFFSET, (long) FIRST_LENGTH),
                tuple(SECOND_OFFSET, (long) SECOND_LENGTH));
    }

    @Test
    void accountsAreSeparateAndEachChecksItsOwnKey() {
        client("catalog").createBlobContainer("restore-points").getBlobClient("index.json")
                .getBlockBlobClient().upload(new ByteArrayInputStream(new byte[] {'{', '}'}), 2);

        assertThat(containerNames(client("catalog"))).contains("restore-points");
        assertThat(containerNames(client("regionb"))).doesNotContain("restore-points");

        Azurite.Account catalog = azurite.account("catalog");
        Azurite.Account regionB = azurite.account("regionb");
        assertThat(catalog.key()).isNotEqualTo(regionB.key());
        BlobServiceClient wrongKey = new BlobServiceClientBuilder()
                .endpoint(catalog.blobEndpoint())
                .credential(new StorageSharedKeyCredential(catalog.name(), regionB.key()))
                .buildClient();
        assertThatThrownBy(() -> wrongKey.getBlobContainerClient("restore-points").exists())
                .isInstanceOfSatisfying(BlobStorageException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(403));
    }

    @Test
    void developmentAccountIsServedWithItsWellKnownKey() {
        Azurite.Account dev = azurite.account(Azurite.DEV_ACCOUNT);

        BlobContainerClient container = client(Azurite.DEV_ACCOUNT).createBlobContainer("scratch");

        assertThat(container.exists()).isTrue();
        assertThat(dev.key()).startsWith("Eby8vdM02xNOcqFl");
        assertThat(azurite.accounts()).extracting(Azurite.Account::name)
                .containsExactly(Azurite.DEV_ACCOUNT, "regionb", "catalog");
    }

    @Test
    void endpointsAndConnectionStringsNameTheLoopbackPortAndToStringHidesKeys() {
        Azurite.Account regionB = azurite.account("regionb");

        assertThat(regionB.blobEndpoint()).isEqualTo("http://127.0.0.1:" + azurite.port() + "/regionb");
        assertThat(regionB.connectionString()).isEqualTo("DefaultEndpointsProtocol=http;AccountName=regionb;"
                + "AccountKey=" + regionB.key() + ";BlobEndpoint=" + regionB.blobEndpoint() + ";");
        for (Azurite.Account account : azurite.accounts()) {
            assertThat(azurite.toString()).doesNotContain(account.key());
            assertThat(account.toString()).contains(account.name()).doesNotContain(account.key());
        }
        assertThatThrownBy(() -> azurite.account("unknown")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeStopsTheProcessAndFreesThePort() {
        Azurite own = Azurite.start();
        int port = own.port();
        ProcessHandle process = own.process();
        assertThat(LoopbackPorts.accepts(port)).isTrue();

        own.close();

        assertThat(process.isAlive()).isFalse();
        assertThat(LoopbackPorts.accepts(port)).isFalse();
        own.close(); // a second close is harmless
    }

    @Test
    void diskLocationKeepsBlobsAcrossRestarts(@TempDir Path location) {
        try (Azurite first = Azurite.builder().account("catalog").location(location).start()) {
            serviceClient(first, "catalog").createBlobContainer("restore-points").getBlobClient("point-1.json")
                    .getBlockBlobClient().upload(new ByteArrayInputStream(new byte[] {'{', '}'}), 2);
        }

        try (Azurite second = Azurite.builder().account("catalog").location(location).start()) {
            byte[] content = serviceClient(second, "catalog").getBlobContainerClient("restore-points")
                    .getBlobClient("point-1.json").downloadContent().toBytes();
            assertThat(content).containsExactly('{', '}');
        }
    }

    @Test
    void aPortTakenByAnotherProcessFailsWithAzuritesOwnExplanation() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> Azurite.builder().port(taken.getLocalPort()).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited")
                    .hasMessageContaining("EADDRINUSE");
        }
    }

    @Test
    void aMissingInstallationNamesTheBuildThatInstallsIt(@TempDir Path emptyNodeModules) {
        assertThatThrownBy(() -> Azurite.builder().nodeModules(emptyNodeModules).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(emptyNodeModules.toString())
                .hasMessageContaining("installs Azurite with npm");
    }

    private static BlobServiceClient client(String account) {
        return serviceClient(azurite, account);
    }

    private static BlobServiceClient serviceClient(Azurite instance, String account) {
        return new BlobServiceClientBuilder().connectionString(instance.account(account).connectionString())
                .buildClient();
    }

    private static List<String> containerNames(BlobServiceClient client) {
        return client.listBlobContainers().stream().map(BlobContainerItem::getName).collect(Collectors.toList());
    }

    private static byte[] read(PageBlobClient blob, long offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        blob.downloadStreamWithResponse(out, new BlobRange(offset, (long) length), null, null, false,
                Duration.ofSeconds(30), Context.NONE);
        return out.toByteArray();
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
