// The dashboard page: it listens to the server's stream of views (/events) and draws each one.
// Everything from Kafka is inserted as text (textContent), never as HTML.

const PARTITION_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#555555', '#f0e442'];
const CHART = { width: 640, height: 150, left: 44, right: 40, top: 10, bottom: 24, windowMs: 60_000 };

let paused = false;
let latest;

/** h('li', { class: 'x' }, 'text', child): a DOM element without innerHTML. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== false) element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child !== undefined && child !== null && child !== false));
  return element;
}

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

const byId = (id) => document.getElementById(id);
const colourClass = (colour) => `c${colour % 8}`;
const time = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A member's colour always comes with its label, in text. `owns` is for the member list: "0,1". */
function memberChip(label, colour, text, owns) {
  return h(
    'li',
    { class: `member ${colourClass(colour)}`, 'data-member': label, 'data-owns': owns },
    h('span', { class: 'swatch', 'aria-hidden': 'true' }),
    text,
  );
}

function render(view) {
  byId('where').textContent =
    `Kafka at ${view.bootstrap.join(', ')} · showing ${view.showing} · updated ${time(view.at)}`;
  renderBanner(view.connection);
  const classroom = view.mode === 'classroom';
  byId('classroom').hidden = !classroom;
  for (const id of ['topics', 'groups', 'timeline']) byId(id).hidden = classroom;
  byId('sections').hidden = classroom;
  if (classroom) renderClassroom(view.classroom);
  else {
    const colours = memberColours(view.groups);
    renderLanes(view.topics, colours, chooseColouringGroup(view.groups));
    renderGroups(view.groups);
    renderTimeline(view.rebalances);
  }
  renderBrokers(view.brokers, view.topics);
}

function renderBanner(connection) {
  const banner = byId('banner');
  if (connection.state === 'down') {
    banner.hidden = false;
    banner.textContent = `⚠ Lost the Kafka broker since ${time(connection.since)}: ${connection.problem}. Trying again every 2 s; this page recovers by itself when the broker is back.`;
  } else if (connection.state === 'connecting') {
    banner.hidden = false;
    banner.textContent = 'Connecting to Kafka…';
  } else banner.hidden = true;
}

/** groupId → member label → colour index, for the lanes' reader chips. */
function memberColours(groups) {
  const colours = new Map();
  for (const group of groups) colours.set(group.groupId, new Map(group.members.map((m) => [m.label, m.colour])));
  return colours;
}

/**
 * The group whose members colour the lanes: the person's choice, else the group with the most
 * members (the one where partitions are shared, as in scenario 2).
 */
function chooseColouringGroup(groups) {
  const select = byId('colour-by');
  const ids = groups.map((g) => g.groupId);
  const current = [...select.options].map((o) => o.value);
  if (ids.join('\n') !== current.join('\n')) {
    const chosen = select.dataset.chosen;
    select.replaceChildren(...ids.map((id) => h('option', { value: id }, id)));
    const busiest = [...groups].sort((a, b) => b.members.length - a.members.length)[0];
    if (chosen && ids.includes(chosen)) select.value = chosen;
    else if (busiest) select.value = busiest.groupId;
  }
  select.disabled = ids.length === 0;
  return select.value;
}

function renderLanes(topics, colours, colourBy) {
  const maxRate = Math.max(1, ...topics.flatMap((t) => t.partitions.map((p) => p.rate)));
  const blocks = topics.map((topic) => {
    if (!topic.exists) {
      return h(
        'article',
        { class: 'topic' },
        h('h3', {}, topic.name),
        h('p', { class: 'empty' }, 'Does not exist yet.'),
      );
    }
    return h(
      'article',
      { class: 'topic', 'data-topic': topic.name },
      h('h3', {}, `${topic.name} `, h('span', { class: 'state' }, plural(topic.partitions.length, 'partition'))),
      topic.partitions.map((p) => lane(topic.name, p, colours, maxRate, colourBy)),
    );
  });
  if (blocks.length === 0)
    blocks.push(h('p', { class: 'empty' }, 'No topics yet. Start the simulator: npm run simulator'));
  byId('lanes').replaceChildren(...blocks);
}

function lane(topic, p, colours, maxRate, colourBy) {
  const owner = p.readers.find((r) => r.member && r.groupId === colourBy);
  const ownerColour = owner ? colours.get(owner.groupId)?.get(owner.member) : undefined;
  const leader = p.leader >= 0 ? `leader broker ${p.leader}` : 'no leader';
  const outOfSync = p.replicas.filter((r) => !p.isr.includes(r));
  const replicas =
    p.replicas.length > 1
      ? ` · in sync: ${p.isr.join(', ') || 'none'}${outOfSync.length ? ` (behind or down: ${outOfSync.join(', ')})` : ''}`
      : '';
  const bar = h('div', { class: 'rate-bar', 'aria-hidden': 'true' });
  bar.style.width = `${Math.min(100, (p.rate / maxRate) * 100)}%`;
  const messages = p.messages.length
    ? h(
        'ol',
        { class: 'messages', 'aria-label': `Newest messages of partition ${p.partition}` },
        p.messages.map((m) =>
          h(
            'li',
            { class: 'message', 'data-offset': m.offset, 'data-timestamp': m.timestamp },
            h('span', { class: 'offset' }, `offset ${m.offset}`),
            ' · ',
            h('span', { class: 'key' }, m.key === null ? 'no key' : `key ${m.key}`),
            h('span', { class: 'value' }, m.value),
          ),
        ),
      )
    : h('p', { class: 'empty' }, 'No new messages yet.');
  return h(
    'div',
    {
      class: `lane${ownerColour === undefined ? '' : ` owned ${colourClass(ownerColour)}`}`,
      'data-partition': p.partition,
      'aria-label': `${topic} partition ${p.partition}`,
      role: 'group',
    },
    h(
      'div',
      { class: 'lane-head' },
      h('strong', {}, `Partition ${p.partition}`),
      h('div', { class: 'facts' }, `${leader}${replicas}`),
      h('div', { class: 'facts rate', 'data-rate': p.rate }, `${p.rate} msg/s · end offset ${p.endOffset}`),
      bar,
      h(
        'ul',
        { class: 'readers', 'aria-label': 'Read by' },
        p.readers.map((r) =>
          memberChip(
            r.member ?? '',
            r.member ? (colours.get(r.groupId)?.get(r.member) ?? 7) : 7,
            `${r.groupId}: ${r.member ? `member ${r.member}` : 'nobody now'}, lag ${r.lag}`,
          ),
        ),
      ),
    ),
    messages,
  );
}

function renderGroups(groups) {
  const blocks = groups.map((group) => {
    const id = `group-${group.groupId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    return h(
      'article',
      {
        class: 'group',
        'data-group': group.groupId,
        'data-state': group.state,
        'data-total-lag': group.totalLag,
        'aria-labelledby': id,
      },
      h(
        'h3',
        { id },
        `${group.groupId} `,
        h(
          'span',
          { class: 'state' },
          `${group.state} · ${plural(group.members.length, 'member')} · lag ${group.totalLag}`,
        ),
      ),
      group.members.length
        ? h(
            'ul',
            { class: 'members', 'aria-label': 'Members' },
            group.members.map((m) =>
              memberChip(
                m.label,
                m.colour,
                `${m.label} · ${m.clientId} (${m.host}) owns ${
                  m.owns.length ? m.owns.map((o) => `${o.topic} ${o.partitions.join(', ')}`).join('; ') : 'nothing'
                }`,
                m.owns.flatMap((o) => o.partitions).join(','),
              ),
            ),
          )
        : h('p', { class: 'empty' }, 'No member is running: the group waits where it committed.'),
      lagChart(group),
      lagTable(group),
    );
  });
  if (blocks.length === 0) blocks.push(h('p', { class: 'empty' }, 'No consumer group reads these topics yet.'));
  byId('group-list').replaceChildren(...blocks);
}

/** The lag of each partition over the last minute; the table after it holds the same facts as text. */
function lagChart(group) {
  const { width, height, left, right, top, bottom, windowMs } = CHART;
  const max = niceCeiling(Math.max(1, ...group.lag.flatMap((l) => l.history.map(([, lag]) => lag))));
  const x = (ago) => left + ((windowMs + ago) / windowMs) * (width - left - right);
  const y = (lag) => top + (1 - lag / max) * (height - top - bottom);
  const title = `Lag per partition of ${group.groupId} over the last 60 seconds, from 0 to ${max} messages`;
  const chart = svg(
    'svg',
    { class: 'chart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title },
    svg('title', {}, title),
    svg('line', { class: 'axis', x1: left, y1: y(0), x2: width - right, y2: y(0) }),
    svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: y(0) }),
    svg('text', { x: left - 4, y: y(max) + 4, 'text-anchor': 'end' }, String(max)),
    svg('text', { x: left - 4, y: y(0) + 4, 'text-anchor': 'end' }, '0'),
    svg('text', { x: left, y: height - 6 }, '60 s ago'),
    svg('text', { x: width - right, y: height - 6, 'text-anchor': 'end' }, 'now'),
  );
  group.lag.forEach((l, index) => {
    if (l.history.length === 0) return;
    const colour = PARTITION_COLOURS[index % PARTITION_COLOURS.length];
    const points = l.history.map(([ago, lag]) => `${x(ago).toFixed(1)},${y(lag).toFixed(1)}`).join(' ');
    const [lastAgo, lastLag] = l.history.at(-1);
    chart.append(
      svg('polyline', {
        points,
        fill: 'none',
        stroke: colour,
        'stroke-width': 2,
        'stroke-dasharray': index % 2 ? '6 3' : 'none',
        'data-partition': l.partition,
      }),
      svg('text', { x: x(lastAgo) + 4, y: y(lastLag) + 4 }, `P${l.partition}`),
    );
  });
  return h(
    'figure',
    {},
    chart,
    h('figcaption', {}, 'Lag (messages not yet committed) per partition, P0, P1…; the table has the numbers.'),
  );
}

function lagTable(group) {
  const rows = group.lag.map((l) => {
    const then = l.history.find(([ago]) => ago >= -30_000);
    return h(
      'tr',
      { 'data-partition': l.partition, 'data-lag': l.lag },
      h('td', {}, l.topic),
      h('td', { class: 'number' }, String(l.partition)),
      h('td', {}, l.owner ? `member ${l.owner}` : 'nobody'),
      h('td', { class: 'number' }, l.committed === null ? 'nothing yet' : String(l.committed)),
      h('td', { class: 'number' }, String(l.endOffset)),
      h('td', { class: 'number lag' }, String(l.lag)),
      h('td', { class: 'number' }, then ? String(then[1]) : '–'),
    );
  });
  return h(
    'table',
    { class: 'lag-table' },
    h('caption', {}, `Committed offsets against end offsets, ${group.groupId}`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Topic', 'Partition', 'Read by', 'Committed', 'End offset', 'Lag', 'Lag 30 s ago'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h('tbody', {}, rows),
  );
}

function niceCeiling(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((nice) => nice >= value);
}

function renderTimeline(events) {
  const items = events.map((event) =>
    h(
      'li',
      { 'data-group': event.groupId },
      h('time', { datetime: new Date(event.at).toISOString() }, time(event.at)),
      ` ${event.summary}`,
    ),
  );
  if (items.length === 0) items.push(h('li', { class: 'empty' }, 'No rebalance since the dashboard started.'));
  byId('rebalances').replaceChildren(...items);
}

function renderBrokers(brokers, topics) {
  const leads = (id) =>
    topics.flatMap((t) => t.partitions.filter((p) => p.leader === id).map((p) => `${t.name} ${p.partition}`));
  const rows = brokers.map((b) =>
    h(
      'tr',
      { 'data-broker': b.nodeId },
      h('td', { class: 'number' }, String(b.nodeId)),
      h('td', {}, b.address),
      h('td', {}, b.up ? '● up' : '✗ down'),
      h('td', {}, b.controller ? 'yes' : ''),
      h('td', {}, leads(b.nodeId).join('; ') || '–'),
    ),
  );
  byId('brokers').replaceChildren(
    h(
      'table',
      {},
      h('caption', {}, 'Brokers the cluster has shown, and the partitions each one leads'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Broker', 'Address', 'State', 'Answers metadata', 'Leads'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

// plain symbols, not emoji: they show in every font, and the words carry the meaning
const STATE_TEXT = { passed: '✓ passed', failed: '✗ failed', 'not done': '… not done' };

function renderClassroom(classroom) {
  byId('classroom-topic').textContent =
    `From the topic ${classroom.topic}: each npm run check with WORKSHOP_LEARNER set. ` +
    `${plural(classroom.learners.length, 'learner')} so far.`;
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, 'Learner'),
    classroom.lessons.map((lesson) => h('th', { scope: 'col', title: lesson.title }, lesson.id)),
  );
  const rows = classroom.learners.map((learner) =>
    h(
      'tr',
      { 'data-learner': learner.name },
      h('th', { scope: 'row' }, learner.name),
      classroom.lessons.map((lesson) => {
        const result = learner.results[lesson.id];
        if (!result) return h('td', { 'data-lesson': lesson.id }, '–');
        const counts = `${result.passed} passed, ${result.failed} failed, ${result.todo} not done`;
        return h(
          'td',
          {
            class: `cell-${result.state.replace(' ', '-')}`,
            'data-lesson': lesson.id,
            'data-state': result.state,
            title: `${counts} · ${new Date(result.at).toLocaleString()}`,
          },
          STATE_TEXT[result.state],
          h('br'),
          h('small', {}, time(Date.parse(result.at))),
        );
      }),
    ),
  );
  byId('classroom-grid').replaceChildren(
    h(
      'table',
      { id: 'classroom-table' },
      h('caption', {}, 'Learners × lessons: ✓ passed, ✗ failed, … not done, – not checked yet'),
      h('thead', {}, head),
      h(
        'tbody',
        {},
        rows.length ? rows : [h('tr', {}, h('td', { colspan: classroom.lessons.length + 1 }, 'No check results yet.'))],
      ),
    ),
  );
}

function connect() {
  const events = new EventSource('/events');
  events.onmessage = (message) => {
    latest = JSON.parse(message.data);
    document.body.dataset.connected = 'true';
    if (!paused) render(latest);
  };
  events.onerror = () => {
    document.body.dataset.connected = 'false';
    const banner = byId('banner');
    banner.hidden = false;
    banner.textContent = `⚠ Lost the dashboard server at ${location.host} (did npm run dashboard stop?). Trying again every second.`;
  };
}

byId('colour-by').addEventListener('change', (event) => {
  event.currentTarget.dataset.chosen = event.currentTarget.value;
  if (latest) render(latest);
});

byId('pause').addEventListener('click', (event) => {
  paused = !paused;
  event.currentTarget.setAttribute('aria-pressed', String(paused));
  event.currentTarget.textContent = paused ? 'Resume updates' : 'Pause updates';
  if (!paused && latest) render(latest);
});

connect();
