// The status per audience: the event hub holds everything, each request and stream gets what its role may see.
import type { AggregatorStatus, StagingDetail, StatusEvent } from '@cascade/common/api';
import type { Role } from '@cascade/common/service';
import { roleAllows } from '@cascade/common/service';
import { publicConfigRule, type PublicConfigRule } from './public-config.ts';
import { viewEvent, viewStagingDetail, viewStatus } from './withhold.ts';

/**
 * Serves the cached status and its events by role. Roles with `secrets:read` get them as they are; every other
 * caller gets the withheld view, computed once per status or event however many clients read it (the caches hold
 * their keys weakly, so they shrink with the hub's ring).
 */
export class StatusViews {
  private readonly isPublic: PublicConfigRule;
  private readonly statuses = new WeakMap<AggregatorStatus, AggregatorStatus>();
  private readonly events = new WeakMap<StatusEvent, StatusEvent>();

  constructor(publicConfig: readonly string[]) {
    this.isPublic = publicConfigRule(publicConfig);
  }

  /** The status as `role` may see it. */
  status(status: AggregatorStatus, role: Role): AggregatorStatus {
    if (roleAllows(role, 'secrets:read')) return status;
    let view = this.statuses.get(status);
    if (view === undefined) {
      view = viewStatus(status, this.isPublic);
      this.statuses.set(status, view);
    }
    return view;
  }

  /** One staging's settings as `role` may see them. */
  stagingDetail(detail: StagingDetail, role: Role): StagingDetail {
    return roleAllows(role, 'secrets:read') ? detail : viewStagingDetail(detail, this.isPublic);
  }

  /** An event of the live stream as `role` may see it. */
  event(event: StatusEvent, role: Role): StatusEvent {
    if (roleAllows(role, 'secrets:read')) return event;
    if (event.type === 'snapshot') return { ...event, status: this.status(event.status, role) };
    let view = this.events.get(event);
    if (view === undefined) {
      view = viewEvent(event, this.isPublic);
      this.events.set(event, view);
    }
    return view;
  }
}
