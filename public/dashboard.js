// Vectorspace dashboard: every panel talks to the service through /graphql only.

const $ = (id) => document.getElementById(id);

// With AUTH_MODE=on the service needs an API key (scopes compute and embeddings:read). The dashboard sends the one
// entered in the header, kept in this browser's localStorage under 'vectorspace.apiKey'.
function apiKeyHeader() {
  const key = window.localStorage ? window.localStorage.getItem('vectorspace.apiKey') : null;
  return key ? { 'x-api-key': key } : {};
}

async function graphql(query, variables = {}) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...apiKeyHeader() },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  // Rejections before GraphQL runs (rate limit, overload, shutdown) come in the REST error shape.
  if (!body.errors && !body.data) throw new Error(`${body.code ?? response.status}: ${body.message ?? response.statusText}`);
  if (body.errors && body.errors.length > 0) {
    const first = body.errors[0];
    const code = first.extensions && first.extensions.code ? `${first.extensions.code}: ` : '';
    throw new Error(code + first.message);
  }
  return body.data;
}

function setStatus(id, text, isError = false) {
  const element = $(id);
  element.textContent = text;
  element.classList.toggle('error', isError);
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${error.message}`);
  }
}

async function plotSpectrum() {
  setStatus('spectrum-status', 'Computing…');
  try {
    const matrix = parseJson($('spectrum-matrix').value, 'The matrix');
    const data = await graphql(
      'query Spectrum($m: Matrix!, $log: Boolean) { rank(matrix: $m) { rank singularValues tolerance { value } } spectrumSvg(matrix: $m, logScale: $log) }',
      { m: matrix, log: $('spectrum-log').checked },
    );
    $('spectrum-plot').innerHTML = data.spectrumSvg;
    const sigma = data.rank.singularValues.map((value) => value.toPrecision(4)).join(', ');
    setStatus('spectrum-status', `rank ${data.rank.rank}; σ = ${sigma}`);
  } catch (error) {
    setStatus('spectrum-status', error.message, true);
  }
}

async function plotAttention() {
  setStatus('attention-status', 'Computing…');
  try {
    const query = parseJson($('attention-query').value, 'Q');
    const keyText = $('attention-key').value.trim();
    const key = keyText === '' ? query : parseJson(keyText, 'K');
    const tokens = $('attention-tokens').value.split(',').map((token) => token.trim()).filter((token) => token !== '');
    const labels = tokens.length > 0 ? tokens : null;

    // Attention weights softmax(Q·Kᵀ/√d) with V = K, then the server-side heatmap of those weights.
    const input = { query, key, value: key, causal: $('attention-causal').checked, returnWeights: true };
    const attention = (await graphql('query Attention($input: JSON!) { attention(input: $input) }', { input })).attention;
    const data = await graphql(
      'query Heatmap($w: Matrix!, $rows: [String!], $cols: [String!]) { attentionSvg(weights: $w, rowLabels: $rows, columnLabels: $cols) }',
      { w: attention.weights, rows: labels, cols: labels },
    );
    $('attention-plot').innerHTML = data.attentionSvg;
    const [rows, cols] = attention.weightsShape;
    setStatus('attention-status', `${rows}×${cols} weights, scale ${attention.scale.toPrecision(4)}, ${attention.causal ? `causal ${attention.alignment}` : 'not causal'}`);
  } catch (error) {
    setStatus('attention-status', error.message, true);
  }
}

async function loadCollections() {
  const select = $('collection');
  try {
    const data = await graphql('{ collections { name dimensions metric documentCount } }');
    select.innerHTML = '';
    for (const collection of data.collections) {
      const option = document.createElement('option');
      option.value = collection.name;
      option.textContent = `${collection.name} (${collection.documentCount} × ${collection.dimensions}, ${collection.metric})`;
      select.append(option);
    }
    setStatus('search-status', data.collections.length === 0 ? 'No collections yet: create one over REST.' : '');
  } catch (error) {
    setStatus('search-status', `Similarity search is unavailable: ${error.message}`, true);
    $('search-run').disabled = true;
  }
}

async function runSearch() {
  setStatus('search-status', 'Searching…');
  const table = $('search-results');
  try {
    const filterText = $('search-filter').value.trim();
    const variables = {
      collection: $('collection').value,
      id: $('search-id').value.trim(),
      k: Number($('search-k').value),
      filter: filterText === '' ? null : parseJson(filterText, 'The filter'),
    };
    const data = await graphql(
      'query Search($collection: String!, $id: String!, $k: Int!, $filter: JSON) { search(collection: $collection, id: $id, k: $k, filter: $filter) { method hits { id similarity metadata } } }',
      variables,
    );
    const body = table.querySelector('tbody');
    body.innerHTML = '';
    data.search.hits.forEach((hit, index) => {
      const row = document.createElement('tr');
      for (const text of [String(index + 1), hit.id, hit.similarity.toFixed(4), JSON.stringify(hit.metadata)]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      row.lastChild.className = 'metadata';
      body.append(row);
    });
    table.hidden = false;
    setStatus('search-status', `${data.search.hits.length} hits (${data.search.method})`);
  } catch (error) {
    table.hidden = true;
    setStatus('search-status', error.message, true);
  }
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('api-key').value.trim();
  if (key === '') window.localStorage.removeItem('vectorspace.apiKey');
  else window.localStorage.setItem('vectorspace.apiKey', key);
  $('api-key').value = '';
  $('search-run').disabled = false;
  loadCollections();
  plotSpectrum();
  plotAttention();
});

$('spectrum-run').addEventListener('click', plotSpectrum);
$('attention-run').addEventListener('click', plotAttention);
$('search-run').addEventListener('click', runSearch);
loadCollections();
plotSpectrum();
plotAttention();
