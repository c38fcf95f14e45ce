import {
  FunctionSearch,
  SearchedName,
} from '@internal/backstage-plugin-environments-common';
import { Fragment } from 'react';

/** Where a name looked for comes from: the annotation, or which convention and where it is set. */
export function nameOrigin(name: SearchedName): string {
  if (name.source === 'annotation') {
    return `annotation ${name.setBy}`;
  }
  return name.setBy === 'default'
    ? `built-in naming convention ${name.convention}`
    : `naming convention ${name.convention}, from ${name.setBy}`;
}

/** `Project=billing, Component=api, Environment=prod or production`. */
export function tagsText(tags: FunctionSearch['tags']): string {
  return tags.map(tag => `${tag.key}=${tag.values.join(' or ')}`).join(', ');
}

/** `444444444444/us-east-1, 444444444444/eu-central-1`. */
export function locationsText(locations: FunctionSearch['locations']): string {
  return (
    locations.map(l => `${l.accountId}/${l.region}`).join(', ') ||
    'no configured location'
  );
}

/**
 * Where the collector looked for the service's function in one environment, as the backend says:
 * the names (free tokens such as `{purpose}` match any text), the tags and the accounts and regions.
 */
export function SearchedFor(props: { search?: FunctionSearch }) {
  const { search } = props;
  if (!search) {
    return <>where it looked is not known yet: refresh to collect again</>;
  }
  return (
    <>
      a function{' '}
      {search.names.map((name, i) => (
        <Fragment key={`${name.source}:${name.name}`}>
          {i > 0 && ' or '}named <code>{name.name}</code> ({nameOrigin(name)})
        </Fragment>
      ))}
      , or tagged {tagsText(search.tags)}, in {locationsText(search.locations)}
    </>
  );
}
