// Projects: folders of work inside a tenant (SPEC section 1).
import { z } from 'zod';
import { Id, Name, Timestamps } from './common.ts';

export const ProjectCreate = z.object({ name: Name }).strict().meta({ id: 'ProjectCreate' });
export const ProjectUpdate = z.object({ name: Name.optional() }).strict();

export const Project = z
  .object({ id: Id, name: z.string(), ...Timestamps })
  .meta({ id: 'Project' });
