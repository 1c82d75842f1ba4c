/** Powerpacks: groups of widgets kept for reuse, each with its author. */
import { between, pick, uuid } from '../../random';
import type { Json } from '../catalog';
import { serviceName, TEAMS } from './values';

export function powerpack(random: () => number, i: number, authors: string[]): Json {
  const name = `${serviceName(i)} overview`;
  return {
    type: 'powerpack',
    id: uuid(random),
    attributes: {
      name,
      description: `Widgets for ${serviceName(i)}`,
      group_widget: {
        definition: {
          layout_type: 'ordered',
          show_title: true,
          title: name,
          type: 'group',
          widgets: [{ definition: { content: `Owned by ${pick(random, TEAMS)}`, type: 'note' }, id: between(random, 1e15, 9e15) }],
        },
        layout: { height: 3, width: 12, x: 0, y: 0 },
      },
      template_variables: [{ defaults: ['*'], name: 'env' }],
      tags: [`tag:${pick(random, TEAMS)}`],
    },
    relationships: { author: { data: { type: 'users', id: pick(random, authors) } } },
  };
}
