package dev.ferry.export.azure;

import com.azure.storage.blob.BlobClientBuilder;
import dev.ferry.export.SasUrl;
import dev.ferry.export.SourceBlob;
import dev.ferry.export.SourceDisk;

/** {@link SourceDisk} over the Blob SDK: the SAS of a managed snapshot is a read-only page blob URL. */
public final class AzureSourceDisk implements SourceDisk {

    /** Get Page Ranges answers at most this many ranges a page; the next page is asked with its marker. */
    static final int PAGE_RANGES_PER_PAGE = 10_000;

    private final BlobClients clients;

    public AzureSourceDisk(BlobClients clients) {
        this.clients = clients;
    }

    @Override
    public SourceBlob open(SasUrl sas) {
        BlobClientBuilder builder = new BlobClientBuilder().endpoint(sas.unredacted()).httpClient(clients.httpClient())
                .retryOptions(clients.singleTry());
        return new AzureSourceBlob(builder.buildClient().getPageBlobClient(), builder.buildAsyncClient().getPageBlobAsyncClient(),
                sas, clients.tryTimeout(), PAGE_RANGES_PER_PAGE);
    }
}
