package dev.ferry.export.azure;

import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.options.ListPageRangesOptions;
import com.azure.storage.blob.specialized.PageBlobClient;
import dev.ferry.export.ByteRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Lists the written ranges of a page blob (a source behind its SAS, or the staging blob), page by page. */
final class PageRangeListing {

    private PageRangeListing() {
    }

    /**
     * The written (not cleared) ranges within {@code range}.
     *
     * @throws dev.ferry.export.StorageCallFailed if the storage call fails
     */
    static List<ByteRange> written(PageBlobClient client, BlobRange range, int rangesPerPage, Duration timeout) {
        List<ByteRange> ranges = new ArrayList<>();
        try {
            ListPageRangesOptions options = new ListPageRangesOptions(range).setMaxResultsPerPage(rangesPerPage);
            // Every page is a Get Page Ranges call; the SDK passes each answer's NextMarker to the next.
            for (PagedResponse<PageRangeItem> page : client.listPageRanges(options, timeout, Context.NONE).iterableByPage()) {
                for (PageRangeItem item : page.getValue()) {
                    if (!item.isClear()) {
                        ranges.add(ByteRange.ofLength(item.getRange().getOffset(), item.getRange().getLength()));
                    }
                }
            }
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Get Page Ranges", e);
        }
        return ranges;
    }
}
