import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { CallCounter } from './CallCounter';
import { callAws } from './callAws';
import { LocationRateLimiter } from './RateLimiter';
import {
  TaggedResource,
  TaggedResourceFilter,
  TaggedResourceReader,
} from './types';

/** Resources per GetResources page (the API's maximum). */
const PAGE_SIZE = 100;

/**
 * Lists the tagged resources of one account-region with the Resource Groups Tagging API: one walk of
 * GetResources pages for any number of services, whatever the resource types asked for.
 */
export class ResourceTaggingAdapter implements TaggedResourceReader {
  private readonly client: ResourceGroupsTaggingAPIClient;
  private readonly limiter: LocationRateLimiter;
  private readonly callCounter?: CallCounter;

  constructor(options: {
    client: ResourceGroupsTaggingAPIClient;
    limiter: LocationRateLimiter;
    callCounter?: CallCounter;
  }) {
    this.client = options.client;
    this.limiter = options.limiter;
    this.callCounter = options.callCounter;
  }

  async listTaggedResources(
    filter: TaggedResourceFilter,
    signal?: AbortSignal,
  ): Promise<TaggedResource[]> {
    const resources: TaggedResource[] = [];
    let token: string | undefined;
    do {
      const command = new GetResourcesCommand({
        ResourceTypeFilters: filter.resourceTypes,
        // Keys without values: a resource must carry every key, with any value (compared later, ignoring case).
        TagFilters: filter.tagKeys.map(Key => ({ Key })),
        ResourcesPerPage: PAGE_SIZE,
        PaginationToken: token,
      });
      const page = await callAws({
        operation: 'tag:GetResources',
        budget: 'tagging',
        limiter: this.limiter,
        callCounter: this.callCounter,
        signal,
        call: () => this.client.send(command, { abortSignal: signal }),
      });
      for (const mapping of page.ResourceTagMappingList ?? []) {
        if (mapping.ResourceARN) {
          resources.push({
            arn: mapping.ResourceARN,
            tags: Object.fromEntries(
              (mapping.Tags ?? []).flatMap(tag =>
                tag.Key ? [[tag.Key, tag.Value ?? '']] : [],
              ),
            ),
          });
        }
      }
      // AWS ends the walk with an empty token.
      token = page.PaginationToken || undefined;
    } while (token);
    return resources;
  }
}
