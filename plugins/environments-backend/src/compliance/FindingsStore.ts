import {
  ComplianceSummary,
  Finding,
  FindingKind,
  FindingSeverity,
} from '@internal/backstage-plugin-environments-common';
import { StackDriftCheck } from './types';

/** A stored finding: since when it persists and when it was last seen. */
export interface StoredFinding extends Finding {
  entityRef: string;
  since: string;
  lastSeenAt: string;
}

/** Which findings to list; every field narrows the result. */
export interface FindingsFilter {
  entityRef?: string;
  environment?: string;
  kind?: FindingKind[];
  severity?: FindingSeverity[];
}

/** Keeps the findings of every service, replacing them on each evaluation. */
export interface FindingsStore {
  /**
   * Replaces a service's findings with the ones of a new evaluation: a finding seen before keeps its
   * `since`, a new one starts now, one no longer found is deleted. Returns the stored findings.
   */
  replaceFindings(
    entityRef: string,
    findings: Finding[],
    now: Date,
  ): Promise<StoredFinding[]>;
  /** Findings matching the filter, ordered by service, severity (worst first) and environment. */
  listFindings(filter?: FindingsFilter): Promise<StoredFinding[]>;
  /** A service's counts; `evaluatedAt` is absent when it was never evaluated. */
  summary(entityRef: string): Promise<ComplianceSummary>;
  /**
   * One summary per evaluated service. With a kind or severity, only services having at least one such
   * finding (the counts stay over all of their findings).
   */
  fleetSummary(filter?: {
    kind?: FindingKind;
    severity?: FindingSeverity;
  }): Promise<ComplianceSummary[]>;
  /**
   * Forgets every service that is not in `keep` (the fleet after a full refresh): its findings, its
   * evaluation and its stack drift checks, so it no longer shows in the fleet's compliance.
   */
  removeServicesExcept(keep: string[]): Promise<void>;
}

/** Keeps the CloudFormation drift checks of every stack. */
export interface StackDriftStore {
  /** The stored checks, of one service or of all. */
  listStackDriftChecks(filter?: {
    entityRef?: string;
  }): Promise<StackDriftCheck[]>;
  /**
   * Records an attempt. A `not-checked` or `failed` attempt keeps the last successful result
   * (`checkedAt`, `stackDriftStatus`, `resources`).
   */
  saveStackDriftCheck(check: StackDriftCheck): Promise<void>;
}
