import { computed, inject } from '@angular/core';

import { AgentService } from '../../core/api/agent.service';
import { AuthService } from '../../core/auth/auth.service';
import { loadState } from '../../core/data/load-state';

/**
 * The signed-in agent's agency, as every page of the desk reads it: its id (`null` for a staff
 * account attached to no agency, which the pages say) and the agency itself, loaded once the id
 * is known. Call it in an injection context (a component's field initialiser).
 */
export function ownAgency() {
  const auth = inject(AuthService);
  const api = inject(AgentService);
  const id = computed(() => auth.user()?.agencyId ?? null);
  const agency = loadState({ params: () => id(), load: (agencyId: string) => api.agency(agencyId) });
  return { id, agency };
}
