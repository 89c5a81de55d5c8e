/* wxnews-site search: runs in the reader's browser over the index the build wrote in search/.
 *
 * Plain JavaScript, no build step, no external assets. Pieces of the index are
 * fetched only when a query needs them (see search/index.py for the layout).
 * A query finds the articles whose normalised text contains it as written:
 * candidates come from the character n-gram shards; unless every term is one
 * character or one bigram (then the candidates are the matches), each is
 * checked against its own text before it is shown or counted. Ranking:
 * headline, terms together as typed, the lead holding the query, BM25 over
 * jieba terms (cut with the index's own dictionary), newer first.
 *
 * API (on any page that loads this file):
 *   await wxnewsSearch(query, {limit, offset, sort, section, person, from, to, exact, budget, near})
 *     -> {total, exact, rough, sure, complete, pending, terms,
 *         results: [{id, url, href, title, date, page, section, bylines, excerpt, titleParts, excerptParts}],
 *         near: null | {total, exact, pending, terms, results}}
 *     The index is segmented by year: results come newest year first (ranked within each year);
 *     older years are searched only while results are missing, or to count (exact, the default);
 *     older: the years in the date range not searched (their matches are not in total).
 *     total is exact unless {exact: false}; then rough tells an estimate that cannot be trusted
 *     to 25% (sure: the matches known so far). budget (bytes of index) stops the checking early,
 *     returning only results whose rank is certain (complete: false). near: the articles that
 *     hold the query only once the marks between Han characters are ignored, never counted in
 *     total ({near: n} results of them, as many as limit by default; false: none looked for).
 *   await wxnewsSearch.normalize(text)   the same fold as wxnews_site.search.normalize
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var BASE = new URL((script && script.dataset.index) || "../search/", script ? script.src : location.href).href;
  var SITE = new URL("../", BASE).href;
  var HEAD = "\u0001", SECTION = "\u0002", PERSON = "\u0003", ACROSS = "\u0004";
  var SPACE = " \t\n\r\f\v\u00a0";
  var QUOTES = { "\"": "\"", "\u201c": "\u201d", "\u300c": "\u300d" };
  var MAX_WORD = 16;  // longest dictionary word tried when cutting a query
  var EXCERPT_BEFORE = 30, EXCERPT_AFTER = 80;

  // ------------------------------------------------------------ fetching

  var pieces = new Map();
  var loaded = 0;  // bytes of index pieces received so far: a page's budget is counted in them

  // A whole small file of the index (meta.json, dates.json, dict.bin, m/).
  function piece(path, asJson) {
    if (!pieces.has(path)) pieces.set(path, fetchPiece(path, asJson));
    return pieces.get(path);
  }

  async function fetchPiece(path, asJson) {
    var res = await fetch(BASE + path);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error("search index piece " + path + ": HTTP " + res.status);
    var bytes = new Uint8Array(await res.arrayBuffer());
    loaded += bytes.length;
    return asJson ? JSON.parse(new TextDecoder().decode(bytes)) : bytes;
  }

  // Shards and records are pieces of packs (see search/packs.py): a pack's
  // header, P * cuts + 1 little-endian offsets, then its pieces. Each is read
  // with a range request; a host that ignores Range sends the whole pack,
  // which is then kept and cut up here.
  var CUTS = { g: 1, w: 1, k: 1, d: 2 };
  var packs = new Map();
  // The host ignores Range: nothing is fetched ahead (a header asked for would
  // bring its whole pack), and where records come many to a pack no byte
  // budget can hold, so none is kept.
  var ignoresRange = false;

  async function range(pack, from, to) {
    if (to <= from) return new Uint8Array(0);
    if (pack.whole) return pack.whole.subarray(from, to);
    var res = await fetch(BASE + pack.path, { headers: { Range: "bytes=" + from + "-" + (to - 1) } });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error("search index pack " + pack.path + ": HTTP " + res.status);
    var bytes = new Uint8Array(await res.arrayBuffer());
    loaded += bytes.length;
    if (res.status === 206) {
      if (bytes.length !== to - from) throw new Error("search index pack " + pack.path + ": short range");
      return bytes;
    }
    // The host ignored Range: the whole pack came. (Its header must be the one
    // read before, if any: else the site was published anew while this page was open.)
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (pack.known && pack.known.some((o, i) => 4 * i + 4 > bytes.length || view.getUint32(4 * i, true) !== o)) {
      throw new Error("网站刚刚更新过，请刷新本页再检索");  // (the page shows it to the reader)
    }
    pack.whole = bytes;
    ignoresRange = true;
    return bytes.subarray(from, to);
  }

  function packOf(kind, j, per) {
    var path = kind + "/" + j + ".bin";
    if (!packs.has(path)) {
      var pack = { path: path, whole: null }, n = per * CUTS[kind.split("/")[0]] + 1;
      pack.offsets = range(pack, 0, 4 * n).then(function (bytes) {
        if (!bytes) return null;
        var view = new DataView(bytes.buffer, bytes.byteOffset, 4 * n), out = new Array(n);
        for (var i = 0; i < n; i++) out[i] = view.getUint32(4 * i, true);
        return (pack.known = out);
      });
      packs.set(path, pack);
    }
    return packs.get(path);
  }

  // Where piece n of a kind is: {pack, start, first, end} (first: the end of a
  // record's first part), or null when its pack is missing.
  async function place(kind, n) {
    var m = await meta(), per = m.packs[kind], cuts = CUTS[kind.split("/")[0]];
    var pack = packOf(kind, Math.floor(n / per), per), off = await pack.offsets, i = n % per;
    if (!off) return null;
    var end = off[(i + 1) * cuts];
    return { pack: pack, start: off[i * cuts], first: cuts === 2 ? off[i * 2 + 1] : end, end: end };
  }

  // A shard (g, w, k), inflated; null when it is empty.
  async function shardBytes(kind, n) {
    var p = await place(kind, n);
    if (!p || p.start === p.end) return null;
    var bytes = await range(p.pack, p.start, p.end);
    return bytes && inflateRaw([bytes]);
  }

  function meta() { return piece("meta.json", true); }

  // The index's segments, newest first: {name, first, end, parts}, the articles of a
  // year (numbers first .. end - 1), ranked together. Its parts, oldest first, are the
  // year's base and, once patches appended a new day's issues to it, its tail ("<year>t":
  // see layout.py): each {name, first, end} has n-gram and term shards of its own
  // (g/<name>, w/<name>) numbering its articles from its first.
  function segmentsOf(m) {
    var list = m.segments || [], out = [];
    list.forEach(function (s, i) {
      var part = { name: s[0], first: s[1], end: i + 1 < list.length ? list[i + 1][1] : m.docs };
      var year = part.name.replace(/t$/, ""), last = out[out.length - 1];
      if (last && last.name === year) {
        last.parts.push(part);
        last.end = part.end;
      } else out.push({ name: year, first: part.first, end: part.end, parts: [part] });
    });
    return out.reverse();
  }
  async function segments() { return segmentsOf(await meta()); }

  function fnv1a(key) {
    var h = 0x811c9dc5;
    for (var ch of key) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
    return h >>> 0;
  }

  function Reader(bytes) { this.b = bytes; this.i = 0; }
  Reader.prototype.next = function () {
    var x = 0, scale = 1, byte;
    do { byte = this.b[this.i++]; x += (byte & 0x7f) * scale; scale *= 128; } while (byte & 0x80);
    return x;
  };

  var shards = new Map();

  // A binary shard, parsed once: (key hash / shard count) -> {payload, merged};
  // an n-gram shard's buckets (see index.py) in .buckets, each a sorted list.
  function shard(folder, n, count, buckets) {
    var path = folder + "/" + n;
    if (!shards.has(path)) {
      shards.set(path, shardBytes(folder, n).then(function (bytes) {
        var map = new Map();
        map.buckets = [];
        if (!bytes) return map;
        var r = new Reader(bytes), size = r.next(), heads = [], h = 0;
        for (var k = 0; k < size; k++) { h += r.next(); heads.push([h, r.next()]); }
        for (var [key, lenFlag] of heads) {
          var len = Math.floor(lenFlag / 2);
          map.set(key, { payload: bytes.subarray(r.i, r.i + len), merged: lenFlag % 2 === 1 });
          r.i += len;
        }
        for (var b = 0; b < (buckets || 0); b++) {
          var docs = new Array(r.next());
          for (var i = 0, doc = 0; i < docs.length; i++) { doc += r.next(); docs[i] = doc; }
          map.buckets.push(docs);
        }
        return map;
      }));
    }
    return shards.get(path);
  }

  // About what looking these keys up would download: their shards not loaded
  // yet, at the average size of those loaded (a whole pack each where the
  // host ignores Range), and the headers of their packs not read yet.
  async function lookupCost(base, keys, seg) {
    var costs = await Promise.all(seg.parts.map(part => partLookupCost(base, keys, part)));
    return costs.reduce((a, b) => a + b, 0);
  }
  async function partLookupCost(base, keys, part) {
    var m = await meta(), folder = base + "/" + part.name, count = m.shards[folder], per = m.packs[folder], wanted = new Set();
    for (var key of keys) wanted.add(fnv1a(key) % count);
    var cost = 0, headers = new Set();
    for (var n of wanted) {
      if (shards.has(folder + "/" + n)) continue;
      var path = folder + "/" + Math.floor(n / per) + ".bin", pack = packs.get(path);
      if (ignoresRange) cost += pack && pack.whole ? 0 : wholePack(folder);
      else cost += SHARD_BYTES + (pack || headers.has(path) ? 0 : 4 * (per + 1));
      headers.add(path);
    }
    return cost;
  }

  // A key's entry in a segment part's shards of a kind (g, w).
  async function lookup(base, key, part) {
    var m = await meta(), folder = base + "/" + part.name, count = m.shards[folder], h = fnv1a(key);
    var buckets = base === "g" ? m.shards["buckets/" + part.name] : 0;
    var found = await shard(folder, h % count, count, buckets);
    var entry = found.get(Math.floor(h / count));
    if (entry || !buckets) return entry || null;
    return { bucket: found.buckets[Math.floor(h / count) % buckets] };
  }

  // Sorted article numbers of a segment holding an n-gram (or headline, section, person) key;
  // .merged when they may be a superset: the entry shares its hash with another
  // key, or the key is rare and its articles share a bucket with other keys'.
  async function docsFor(key, seg) {
    if (seg.parts.length === 1) return partDocs(key, seg.parts[0]);
    var lists = await Promise.all(seg.parts.map(part => partDocs(key, part)));  // (in number order)
    var out = [].concat.apply([], lists);
    out.merged = lists.some(l => l.merged);
    return out;
  }
  async function partDocs(key, part) {
    var entry = await lookup("g", key, part), base = part.first;
    if (!entry || entry.bucket) {
      var some = entry && entry.bucket ? entry.bucket.map(d => d + base) : [];
      some.merged = some.length > 0;
      return some;
    }
    var payload = entry.payload, r = new Reader(payload), head = r.next(), n = Math.floor(head / 2), out = new Array(n);
    out.merged = entry.merged;
    if (head % 2) {  // a bitmap: bit d of byte d / 8 marks article d
      for (var j = r.i, k = 0; j < payload.length; j++) {
        for (var b = 0; b < 8; b++) if (payload[j] & (1 << b)) out[k++] = base + (j - r.i) * 8 + b;
      }
      return out;
    }
    for (var i = 0, doc = base; i < n; i++) { doc += r.next(); out[i] = doc; }
    return out;
  }

  // article number -> BM25 weight of one jieba term, in a segment
  async function weightsFor(term, seg) {
    var entries = await Promise.all(seg.parts.map(part => lookup("w", term, part))), out = new Map();
    entries.forEach(function (entry, k) {
      if (!entry) return;
      var r = new Reader(entry.payload), n = r.next(), doc = seg.parts[k].first;
      for (var i = 0; i < n; i++) {
        var v = r.next();  // gap * 16 + weight level (see weight_level in index.py)
        doc += Math.floor(v / 16);
        out.set(doc, Math.pow(2, (v % 16 - 7) / 2));
      }
    });
    return out;
  }

  function intersect(lists) {
    if (!lists.length) return [];
    lists = lists.slice().sort((a, b) => a.length - b.length);
    var out = lists[0];
    for (var i = 1; i < lists.length && out.length; i++) {
      var other = new Set(lists[i]);
      out = out.filter(d => other.has(d));
    }
    return out;
  }

  // --------------------------------------------------------- normalising

  var maps = new Map(), mapShards = 64;

  // Whether a character may fold by more than width and case (fold_map in
  // normalize.py: traditional characters, compatibility forms such as Ⅳ ① ℃).
  function mapped(ch) {
    var cp = ch.codePointAt(0);
    return cp >= 0xa0 && cp !== 0x3000 && !(cp >= 0xff01 && cp <= 0xff5e);
  }

  async function loadMaps(text) {
    var m = await meta(), wanted = new Set();
    mapShards = m.shards.m;
    for (var ch of text) if (mapped(ch)) wanted.add(ch.codePointAt(0) % m.shards.m);
    await Promise.all(Array.from(wanted, async function (h) {
      if (!maps.has(h)) maps.set(h, (await piece("m/" + h + ".json", true)) || {});
    }));
  }

  // Width, then the map's folds (traditional characters, compatibility forms:
  // one character or a few, from the loaded map shards), else case.
  function foldChar(ch) {
    ch = foldWidth(ch);
    var map = maps.get(ch.codePointAt(0) % mapShards);
    return map && Object.prototype.hasOwnProperty.call(map, ch) ? map[ch] : foldCase(ch);
  }

  function foldWidth(ch) {
    var cp = ch.codePointAt(0);
    return cp >= 0xff01 && cp <= 0xff5e ? String.fromCodePoint(cp - 0xfee0) : cp === 0x3000 ? " " : ch;
  }

  function foldCase(ch) {
    var low = ch.codePointAt(0) < 0x530 ? ch.toLowerCase() : ch;
    return low.length === 1 ? low : ch;
  }

  function foldWidthCase(ch) { return foldCase(foldWidth(ch)); }

  // A printed text folded, with the way back: chars (the printed characters),
  // nchars (the folded ones) and origin (for each folded character, the
  // printed one it comes from). Width and case are folded here, the rest from
  // the text's own list z: [position, fold] (a fold may be several characters).
  function foldView(text, z) {
    var chars = Array.from(text), parts = chars.map(foldWidthCase), nchars = [], origin = [];
    for (var [i, c] of z || []) parts[i] = c;
    for (var k = 0; k < parts.length; k++) {
      for (var f of parts[k]) { nchars.push(f); origin.push(k); }
    }
    return { chars: chars, nchars: nchars, origin: origin, norm: nchars.join("") };
  }

  // An article's normalised text (its view in rec.view).
  function normText(rec) {
    if (rec.norm === undefined) {
      rec.view = foldView(rec.x, rec.z);
      rec.norm = rec.view.norm;
      rec.squeezed = undefined;
    }
    return rec.norm;
  }

  // The normalised headlines of a record (its text's first rec.h printed characters).
  function headNorm(rec) {
    normText(rec);
    var o = rec.view.origin, n = 0;
    while (n < o.length && o[n] < rec.h) n++;
    return rec.view.nchars.slice(0, n).join("");
  }

  // ---------------------------------------------------------- near matches

  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]/u;
  var BREAKS = "\n,\u3002\u3001;:!?";  // end a clause or sentence: a near match never reaches across

  function isHan(ch) { return HAN.test(ch); }

  // A view without the marks between two Han characters that hold no break
  // (squeeze in normalize.py): 常  晋 -> 常晋, “七一勋章”获得者 -> 七一勋章获得者.
  function squeezeView(view) {
    var c = view.nchars, keep = new Uint8Array(c.length).fill(1);
    for (var i = 0; i < c.length; i++) {
      if (!isHan(c[i])) continue;
      var j = i + 1;
      while (j < c.length && isMark(c[j]) && !BREAKS.includes(c[j])) j++;
      if (j > i + 1 && j < c.length && isHan(c[j])) keep.fill(0, i + 1, j);
      i = j - 1;
    }
    var nchars = [], origin = [];
    for (var k = 0; k < c.length; k++) if (keep[k]) { nchars.push(c[k]); origin.push(view.origin[k]); }
    return { chars: view.chars, nchars: nchars, origin: origin, norm: nchars.join("") };
  }

  function squeeze(text) { return squeezeView(foldView(text, [])).norm; }

  function squeezedText(rec) {
    normText(rec);
    if (rec.squeezed === undefined) rec.squeezed = squeezeView(rec.view);
    return rec.squeezed.norm;
  }

  // Spaces between Han characters inside a phrase: no word break, Chinese text has none.
  var SPACES_BETWEEN_HAN = /(?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}])[ \t\n\r\f\v\u00a0]+(?=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}])/gu;

  async function normalize(text) {
    text = String(text);
    await loadMaps(text);
    var out = "";
    for (var ch of text) out += foldChar(ch);
    return out;
  }

  // Normalised terms: spaces separate ANDed terms; a quoted phrase is one term.
  async function parseQuery(query) {
    return unique(parseTerms(Array.from(await normalize(query))).map(t => t.replace(SPACES_BETWEEN_HAN, "")));
  }

  // Spaces and quotes are untouched by the traditional map, so a query can be
  // split into terms once width and case are folded, before any map is loaded.
  function parseTerms(q) {
    var terms = [], i = 0;
    while (i < q.length) {
      var ch = q[i];
      if (QUOTES[ch]) {
        var end = q.indexOf(QUOTES[ch], i + 1);
        if (end < 0) end = q.length;
        var phrase = strip(q.slice(i + 1, end).join(""));
        if (phrase) terms.push(phrase);
        i = end + 1;
      } else if (SPACE.includes(ch)) {
        i++;
      } else {
        var j = i;
        while (j < q.length && !SPACE.includes(q[j]) && !QUOTES[q[j]]) j++;
        terms.push(q.slice(i, j).join(""));
        i = j;
      }
    }
    return terms;
  }

  function unique(a) { return Array.from(new Set(a)); }

  // The query's normalised terms, with as few map shards as will do: the
  // dictionary is made from folded text, so a character that begins one of
  // its words is not traditional; where the query's cut loads that
  // dictionary shard anyway, the character's map shard is not needed (in
  // date order nothing is cut). known: the characters whose words' frequencies
  // this query has loaded, the same whatever was searched before.
  async function queryTerms(query, ranked, seg) {
    var raw = parseTerms(Array.from(String(query), foldWidthCase)), traditional = "";
    var blocks = ranked ? [].concat.apply([], raw.map(dictBlocks)) : [];
    var keys = [].concat.apply([], raw.map(t => ngramKeys(t, "")));
    prefetch("g", ranked ? keys.concat(keys.map(k => HEAD + k), ngramKeys(raw.join(""), "")) : keys, seg);
    await dictFor(blocks);
    var cut = new Set(Array.from(blocks.join("")));
    for (var t2 of raw) {
      for (var c of t2) if (mapped(c) && !(cut.has(c) && begins(c))) traditional += c;
    }
    await loadMaps(traditional);
    var known = new Set(Array.from(cut).filter(c => c.codePointAt(0) < 0x2e80 || begins(c)));
    var terms = unique(raw.map(t => Array.from(t, foldChar).join("").replace(SPACES_BETWEEN_HAN, "")));
    if (ranked) {
      Promise.all(terms.map(t => cutForSearch(t, true))).then(function (words) {
        prefetch("w", [].concat.apply([], words).filter(w => Array.from(w).length > 1), seg);
      }, function () {});
    }
    return { terms: terms, known: known };
  }

  // The headers of the packs holding these pieces (keys' shards, or articles'
  // records by number), asked for now: the search reads them a step later
  // (n-gram keys once the dictionary is in, terms' weights once the candidates
  // are, records once they are ranked), and each would cost a round trip then.
  function prefetch(kind, keys, segment) {
    if (ignoresRange) return;
    Promise.all([meta(), segment]).then(function ([m, seg]) {
      // (keys: of a segment's parts, or of one to come: null when there is none)
      var kinds = kind === "d" ? [kind] : seg ? seg.parts.map(part => kind + "/" + part.name) : [];
      for (var k of kinds) {
        var per = m.packs[k];
        for (var key of keys) {
          var n = typeof key === "number" ? key : fnv1a(key) % m.shards[k];
          packOf(k, Math.floor(n / per), per).offsets.catch(function () {});
        }
      }
    }, function () {});
  }

  function strip(s) {
    var a = Array.from(s), i = 0, j = a.length;
    while (i < j && SPACE.includes(a[i])) i++;
    while (j > i && SPACE.includes(a[j - 1])) j--;
    return a.slice(i, j).join("");
  }

  // ---------------------------------------------------- cutting a query

  // The dictionary (see search/index.py): shards by a word's first two
  // characters; a character's own shard holds it if some word begins with it.
  var dicts = new Map(), loadedDicts = new Map(), dictCount = 1;

  function dictKey(word) { return Array.from(word).slice(0, 2).join(""); }

  function loadedFor(word) { return loadedDicts.get(fnv1a(dictKey(word)) % dictCount); }

  // A word's jieba frequency where its dictionary shard is loaded, else 0.
  function knownFreq(word) {
    var d = loadedFor(word);
    return d && Object.prototype.hasOwnProperty.call(d, word) ? d[word] : 0;
  }

  // Whether some word begins with ch (its shard loaded): else ch is no
  // simplified character the archive knows, and may be a traditional one.
  function begins(ch) {
    var d = loadedFor(ch);
    return !!d && Object.prototype.hasOwnProperty.call(d, ch);
  }

  async function dictShard(key) {
    var m = await meta(), h = fnv1a(key) % m.shards.k;
    dictCount = m.shards.k;
    if (!dicts.has(h)) {
      dicts.set(h, shardBytes("k", h).then(function (bytes) {
        loadedDicts.set(h, bytes ? JSON.parse(new TextDecoder().decode(bytes)) : {});
      }));
    }
    return dicts.get(h);
  }

  // Word frequencies for cutting blocks of text: the shards of their
  // characters and of each pair of neighbours loaded first.
  async function dictFor(blocks) {
    var keys = new Set();
    for (var b of blocks) {
      var c = Array.from(b);
      for (var i = 0; i < c.length; i++) {
        keys.add(c[i]);
        if (i + 1 < c.length) keys.add(c[i] + c[i + 1]);
      }
    }
    await Promise.all(Array.from(keys, dictShard));
    return knownFreq;
  }

  // A bigram this frequent as a word (中国, 发展, 建设) is in a good share of
  // all articles: its n-gram key hardly narrows a long term's candidates, and
  // as a term it is too common to carry a BM25 weight (see _write_terms).
  var COMMON_WORD = 20000;

  // The keys worth loading for a term: a long term's common bigrams are left
  // out (the candidates are checked against their text anyway), never all.
  function usefulKeys(term, known) {
    var keys = ngramKeys(term, ""), freq = k => known.has(Array.from(k)[0]) ? knownFreq(k) : 0;
    if (keys.length < 2) return keys;
    var rare = keys.filter(k => freq(k) < COMMON_WORD);
    return rare.length ? rare : [keys.reduce((a, b) => freq(b) < freq(a) ? b : a)];
  }

  var JIEBA_BLOCK = /[\u4e00-\u9fd5a-zA-Z0-9+#&._%\-]+/gu;
  var ENGLISH = /^[a-zA-Z0-9]$/;

  // The blocks of a text that jieba cuts with its dictionary: a block of one
  // or two characters is cut the same whatever the dictionary holds, for
  // ranking (only words of two or more characters carry weights).
  function dictBlocks(text) {
    return (text.match(JIEBA_BLOCK) || []).filter(b => Array.from(b).length > 2);
  }

  // jieba's cut_for_search without HMM, over the dictionary of the index's
  // terms, loading only the shards of the characters it cuts. With short,
  // blocks of one or two characters are returned whole without the dictionary:
  // as a word they are themselves, and single characters carry no weight.
  async function cutForSearch(text, short) {
    var blocks = text.match(JIEBA_BLOCK) || [], long = short ? dictBlocks(text) : blocks;
    var m = await meta(), freq = await dictFor(long), logTotal = Math.log(m.total), words = [];
    for (var block of blocks) {
      var s = Array.from(block), n = s.length;
      if (short && n <= 2) { words.push(block); continue; }
      var route = new Array(n + 1);
      route[n] = [0, 0];
      for (var i = n - 1; i >= 0; i--) {
        var best = null;
        for (var j = i; j < Math.min(n, i + MAX_WORD); j++) {
          var f = freq(s.slice(i, j + 1).join(""));
          if (!f && j > i) continue;
          var p = Math.log(f || 1) - logTotal + route[j + 1][0];
          if (!best || p > best[0] || (p === best[0] && j > best[1])) best = [p, j];
        }
        route[i] = best;
      }
      var buf = "";
      for (var x = 0; x < n;) {
        var y = route[x][1] + 1, word = s.slice(x, y).join("");
        if (y - x === 1 && ENGLISH.test(word)) { buf += word; } else {
          if (buf) { words.push(buf); buf = ""; }
          words.push(word);
        }
        x = y;
      }
      if (buf) words.push(buf);
    }
    var out = [];
    for (var w of words) {
      var c = Array.from(w);
      for (var len of [2, 3]) {
        if (c.length > len) {
          for (var k = 0; k + len <= c.length; k++) {
            var sub = c.slice(k, k + len).join("");
            if (freq(sub)) out.push(sub);
          }
        }
      }
      out.push(w);
    }
    return unique(out);
  }

  // ------------------------------------------------------------ searching

  // Spaces and punctuation (is_mark in normalize.py).
  function isMark(ch) {
    var cp = ch.codePointAt(0);
    return cp <= 0x2f || (cp >= 0x3a && cp <= 0x40) || (cp >= 0x5b && cp <= 0x60) || (cp >= 0x7b && cp <= 0xbf) ||
      (cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xffef);
  }

  // Spaces, controls and the marks of nearly every sentence: no pair holding
  // one is a key (KEYLESS in normalize.py); other marks pair as keys (5%, 路·).
  var KEYLESS = /[\x00-\x20\xa0"\u201c\u201d\u300c\u300d,\u3002\u3001:;()\u300a\u300b!?\u2026]/;
  function isKeyless(ch) { return KEYLESS.test(ch); }

  // The keys every article containing term has: its pairs of neighbours
  // without a keyless character, else its characters. Exact (no check
  // needed) for one character or one such pair.
  function ngramKeys(term, prefix) {
    var c = Array.from(term), keys = new Set();
    for (var i = 0; i + 1 < c.length; i++) {
      if (!isKeyless(c[i]) && !isKeyless(c[i + 1])) keys.add(prefix + c[i] + c[i + 1]);
    }
    if (!keys.size) for (var ch of c) keys.add(prefix + ch);
    return Array.from(keys);
  }

  function exactByKeys(term) {
    var c = Array.from(term);
    return c.length === 1 || (c.length === 2 && !isKeyless(c[0]) && !isKeyless(c[1]));
  }

  // A near match's keys for a term, squeezed: per pair of neighbours the keys
  // either of which it may have (two Han characters: side by side, or across
  // marks, key ACROSS + pair), else its characters; null when the term has no
  // two Han neighbours, so a near match of it would be an exact one.
  function nearKeys(term) {
    var c = Array.from(squeeze(term)), groups = [], han = false;
    for (var i = 0; i + 1 < c.length; i++) {
      if (isKeyless(c[i]) || isKeyless(c[i + 1])) continue;
      var both = isHan(c[i]) && isHan(c[i + 1]);
      han = han || both;
      groups.push(both ? [c[i] + c[i + 1], ACROSS + c[i] + c[i + 1]] : [c[i] + c[i + 1]]);
    }
    return han ? groups : null;
  }

  async function docsWithAll(keys, seg) {
    var lists = await Promise.all(keys.map(k => docsFor(k, seg))), out = intersect(lists);
    out.merged = lists.some(l => l.merged);
    return out;
  }

  var datesPiece = null;

  async function docRange(from, to) {
    var m = await meta();
    if (!from && !to) return [0, m.docs];
    if (!datesPiece) datesPiece = piece("dates.json", true);
    var dates = (await datesPiece) || [], lo = 0, hi = m.docs;
    for (var k = 0; k < dates.length; k++) {
      if (from && dates[k][0] < from) lo = k + 1 < dates.length ? dates[k + 1][1] : m.docs;
      if (to && dates[k][0] > to) { hi = dates[k][1]; break; }
    }
    return [lo, hi];
  }

  var records = new Map();

  async function inflateRaw(parts) {
    var stream = new Blob(parts).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // The records' code book (see search/records.py): dict.bin inflated holds
  // the characters of each tier (tier 0: one byte each; tier p: byte 239 + p,
  // then the place in the tier), then the preset dictionary. dict.bin is an
  // unfinished deflate stream: an empty final block (3, 0) ends it here.
  var codeBook = null;
  function codes() {
    if (!codeBook) {
      codeBook = piece("dict.bin", false).then(async function (prefix) {
        var bytes = await inflateRaw([prefix, new Uint8Array([3, 0])]);
        var r = new Reader(bytes), tiers = [], count = r.next();
        for (var t = 0; t < count; t++) {
          var n = r.next(), chars = new Array(n), cp = 0;
          for (var i = 0; i < n; i++) { cp += r.next(); chars[i] = String.fromCodePoint(cp); }
          tiers.push(chars);
        }
        return { prefix: prefix, length: bytes.length, one: tiers[0] || [], pages: tiers.slice(1) };
      });
    }
    return codeBook;
  }

  // Ranked code to text: byte < 240 one character, 240-254 and one more byte a
  // character of a page, 255 and three bytes a code point.
  function decodeRanked(bytes, book) {
    var out = [], one = book.one, pages = book.pages, n = bytes.length;
    for (var i = 0; i < n;) {
      var b = bytes[i];
      if (b < 240) { out.push(one[b]); i++; }
      else if (b < 255) { out.push(pages[b - 240][bytes[i + 1]]); i += 2; }
      else { out.push(String.fromCodePoint(bytes[i + 1] << 16 | bytes[i + 2] << 8 | bytes[i + 3])); i += 4; }
    }
    return out.join("");
  }

  // A part of an article's record: raw deflate that refers back into dict.bin,
  // so it is inflated after that prefix and the prefix's bytes are cut off.
  async function recordPart(pack, from, to) {
    var parts = await Promise.all([codes(), range(pack, from, to)]);
    if (!parts[1] || !parts[1].length) return null;
    var bytes = await inflateRaw([parts[0].prefix, parts[1]]);
    return JSON.parse(decodeRanked(bytes.subarray(parts[0].length), parts[0]));
  }

  // An article's record with the first part of its text (.loaded parts so
  // far, of 1 + .n.length; .whole once the text is complete; .lead the first
  // part normalised; .pack and .at where its next part starts).
  function record(doc) {
    if (!records.has(doc)) {
      records.set(doc, place("d", doc).then(async function (p) {
        var rec = p && await recordPart(p.pack, p.start, p.first);
        if (rec) {
          rec.n = rec.n || [];
          rec.pack = p.pack;
          rec.at = p.first;
          rec.loaded = 1;
          rec.whole = !rec.n.length;
          rec.lead = normText(rec);
          rec.leadHead = headNorm(rec);
        }
        return rec;
      }));
    }
    return records.get(doc);
  }

  // The next part of an article's text, appended to its record.
  function more(doc, rec) {
    if (!rec.next) {
      var size = rec.n[rec.loaded - 1];
      rec.next = recordPart(rec.pack, rec.at, rec.at + size).then(function (p) {
        if (p) { rec.x += p.x; if (p.z) rec.z = (rec.z || []).concat(p.z); }
        rec.at += size;
        rec.loaded++;
        rec.whole = !p || rec.loaded > rec.n.length;
        rec.norm = undefined;
        rec.next = null;
      });
    }
    return rec.next;
  }

  function holdsAll(text, terms) {
    return terms.every(t => text.includes(t));
  }

  // Whether the article holds every term: true or false once known, null
  // while the text loaded so far does not and more of it is to come.
  function verdict(rec, terms) {
    return holdsAll(normText(rec), terms) ? true : rec.whole ? false : null;
  }

  // Pieces are fetched one at a time: a match usually ends the search early.
  async function settle(doc, rec, terms) {
    while (verdict(rec, terms) === null) await more(doc, rec);
    return verdict(rec, terms);
  }

  // Which printed characters [from, to) of a view the terms' occurrences cover:
  // every occurrence within the window, marked on the characters it was folded from.
  function marks(view, terms, from, to) {
    var o = view.origin, lo = 0, hi = o.length, marked = new Uint8Array(to - from);
    while (lo < hi && o[lo] < from) lo++;
    while (hi > lo && o[hi - 1] >= to) hi--;
    var n = view.nchars;
    for (var t of terms) {
      var tc = Array.from(t);
      for (var i = lo; i + tc.length <= hi; i++) {
        var k = 0;
        while (k < tc.length && n[i + k] === tc[k]) k++;
        // (marked from its first printed character to its last: a near match's marks between too)
        if (k === tc.length) marked.fill(1, o[i] - from, o[i + tc.length - 1] - from + 1);
      }
    }
    return marked;
  }

  // [text, marked] pieces of a view's printed characters [from, to).
  function markParts(view, terms, from, to) {
    var o = view.chars, marked = marks(view, terms, from, to), parts = [];
    for (var j = from; j < to;) {
      var e = j;
      while (e < to && marked[e - from] === marked[j - from]) e++;
      parts.push([o.slice(j, e).join("").replace(/\n/g, " "), marked[j - from] === 1]);
      j = e;
    }
    return parts;
  }

  // The printed text around the first match of the first term after the
  // headline (shown anyway), else the body's start.
  function excerptParts(view, h, terms) {
    var text = view.chars, n = view.nchars, o = view.origin, first = Array.from(terms[0]);
    if (!text.length) return [];
    var bodyStart = h && h < text.length ? h + 1 : 0, at = -1;
    for (var i = 0; i + first.length <= n.length && at < 0; i++) {
      if (o[i] < bodyStart) continue;
      var k = 0;
      while (k < first.length && n[i + k] === first[k]) k++;
      if (k === first.length) at = o[i];
    }
    var start = at < 0 ? bodyStart : Math.max(at - EXCERPT_BEFORE, bodyStart);
    var end = Math.min(text.length, start + EXCERPT_BEFORE + EXCERPT_AFTER);
    var parts = markParts(view, terms, start, end);
    if (start > bodyStart) parts.unshift(["…", false]);
    if (end < text.length) parts.push(["…", false]);
    return parts;
  }

  // A result as the API gives it; near: marked where the near terms match.
  function result(rec, terms, near) {
    var title = foldView(rec.t, rec.tz);
    if (near) title = squeezeView(title);
    normText(rec);
    if (near) squeezedText(rec);
    var view = near ? rec.squeezed : rec.view, ex = excerptParts(view, rec.h, terms);
    return {
      id: rec.i, url: rec.u, href: new URL(rec.u, SITE).href, title: rec.t, date: rec.d, page: rec.p,
      section: rec.s, bylines: rec.b, excerpt: ex.map(p => p[0]).join(""),
      titleParts: markParts(title, terms, 0, title.chars.length), excerptParts: ex,
    };
  }

  function compare(a, b) {
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  }

  // A record's first part, about (0.9 KB for People's Daily): how many packs'
  // headers to read ahead to learn the exact sizes a budget is planned with.
  var RECORD_BYTES = 1000;
  var DICT_BYTES = 12 * 1024;  // dict.bin, before it is loaded (10.5 KB for People's Daily)
  var PARALLEL = 32;       // record fetches at once when every candidate is checked
  var SHARD_BYTES = 1500;  // an n-gram shard, about (1.3 KB for People's Daily)
  var TRUSTED = 10;        // candidates checked, all matching, that make an estimate trusted
  var WHOLE_SCALE = 8;     // a first view's budget, times, on a host that ignores Range

  // What a whole pack costs, about: the average of those come so far (records'
  // ones if any; packs of every kind are made about PACK_TARGET bytes).
  function wholePack(kind) {
    var all = Array.from(packs.values()).filter(p => p.whole), own = all.filter(p => p.path.startsWith(kind + "/"));
    var sizes = (own.length ? own : all).map(p => p.whole.length);
    return sizes.length ? sizes.reduce((a, b) => a + b) / sizes.length : 16 * 1024;
  }
  var counts = new Map();  // exact totals of the queries counted so far

  function amount(value, otherwise) {
    return value == null ? otherwise : Math.max(0, Math.floor(Math.min(Number(value) || 0, Number.MAX_SAFE_INTEGER)));
  }

  // The segments are searched newest first, each ranked on its own: a
  // segment's results come before an older one's, and an older segment is
  // read only while the results asked for are not all found, or to count
  // (exact, the default). Unless every segment in the date range was read,
  // the total is of those read ({older: the segments left}) and not exact.
  async function search(query, options) {
    var opts = options || {};
    var limit = amount(opts.limit, 10), offset = amount(opts.offset, 0), want = offset + limit;
    var start = loaded, ranged = docRange(opts.from, opts.to);
    var segs = Promise.all([segments(), ranged]).then(([all, range]) => all.filter(s => s.first < range[1] && s.end > range[0]));
    var parsed = await queryTerms(query, opts.sort !== "date", segs.then(list => list[0])), terms = parsed.terms;
    var out = { total: 0, exact: true, complete: true, pending: 0, sure: 0, rough: false, terms: terms, results: [],
      near: null, older: 0 };
    if (!terms.length) return out;
    var range = await ranged, counting = opts.exact !== false;
    segs = await segs;
    var nearLimit = amount(opts.near, limit), found = [], m = await meta();
    var budget = opts.budget == null ? Infinity : Number(opts.budget);
    var keys = [].concat.apply([], terms.map(t => usefulKeys(t, parsed.known)));
    for (var i = 0; i < segs.length; i++) {
      var need = Math.max(0, want - found.length);
      // An older year is read only if its keys' shards (and as many again for headlines and
      // weights) and a few records fit in what is left of the budget.
      var over = i > 0 && budget !== Infinity &&
        2 * await lookupCost("g", keys, segs[i]) + 4 * RECORD_BYTES > remaining(budget, start, m);
      if ((!need && !counting) || over) {
        out.older = segs.length - i;
        out.exact = false;
        out.complete = out.complete && !over;
        break;
      }
      var res = await searchSegment(segs[i], parsed, range, start, Object.assign({}, opts, {
        limit: need,
        near: opts.near === false ? false : Math.max(0, nearLimit - (out.near ? out.near.results.length : 0)),
      }));
      found = found.concat(res.results);
      out.total += res.total;
      out.sure += res.sure;
      out.pending += res.pending;
      out.exact = out.exact && res.exact;
      out.rough = out.rough || res.rough;
      out.near = joinNear(out.near, res.near);
      if (!res.complete) {  // the budget is spent
        out.complete = false;
        out.older = segs.length - i - 1;
        out.exact = out.exact && !out.older;
        break;
      }
    }
    out.results = found.slice(offset, want);
    return out;
  }

  // What is left of a search's budget (bytes of index) that started when start bytes were loaded.
  function remaining(budget, start, m) {
    var scale = ignoresRange && m.packs.d > 1 ? WHOLE_SCALE : 1;
    return budget * scale - (loaded - start) - (pieces.has("dict.bin") ? 0 : DICT_BYTES);
  }

  // The near matches of two segments' searches together.
  function joinNear(a, b) {
    if (!a || !b) return a || b;
    return { total: a.total + b.total, exact: a.exact && b.exact, pending: a.pending + b.pending, terms: a.terms,
      results: a.results.concat(b.results) };
  }

  // A search of one segment (see search: opts.offset is not used here), within
  // the budget of the whole search, which started when start bytes were loaded.
  async function searchSegment(seg, parsed, range, start, opts) {
    var limit = opts.limit, offset = 0, terms = parsed.terms;
    var budget = opts.budget == null ? Infinity : Number(opts.budget);
    range = [Math.max(range[0], seg.first), Math.min(range[1], seg.end)];
    var lookUp = k => docsFor(k, seg);

    // Candidates: the articles holding every key of every term (and the filters').
    var m = await meta(), keys = terms.map(t => usefulKeys(t, parsed.known));
    if (opts.near !== false) {  // the near matches' own keys are looked up last: their headers now
      prefetch("g", [].concat.apply([], terms.map(t => (nearKeys(t) || []).filter(g => g.length > 1).map(g => g[1]))), seg);
    }
    if (opts.sort !== "date") {  // headline keys relevance() is sure to take, fetched with the rest
      keys.forEach(ks => ks.length <= (terms.length > 1 ? 1 : 2) && ks.forEach(k => docsFor(HEAD + k, seg).catch(() => {})));
    }
    var lists = await Promise.all(keys.map(ks => Promise.all(ks.map(lookUp))));
    var merged = lists.some(function (ls) { return ls.some(l => l.merged); });
    var sets = lists.map(intersect), filters = [];
    for (var key of [opts.section && SECTION + await normalize(opts.section), opts.person && PERSON + await normalize(strip(opts.person))]) {
      if (!key) continue;
      var l = await docsFor(key, seg);
      merged = merged || l.merged;
      filters.push(l);
    }
    var cand = intersect(sets.concat(filters)).filter(d => d >= range[0] && d < range[1]);
    if (cand.length <= 4 * (offset + limit)) prefetch("d", cand);  // few: their records' headers now, while ranking
    // A term of one character or one bigram is found exactly by the n-gram
    // shards; otherwise each candidate is checked against its text.
    var verify = merged || !terms.every(exactByKeys);

    var rank = opts.sort === "date" || !cand.length ? byDate()
      : await relevance(seg, cand, terms, keys, lists, parsed.known, offset + limit);
    var bounds = new Map(cand.map(d => [d, rank.bound(d)]));
    var order = cand.slice().sort((a, b) => compare(bounds.get(b), bounds.get(a)));

    // Check candidates in the order of the best rank they could have until the
    // first offset + limit matches are known to rank above every one not checked.
    var want = offset + limit, found = [], next = 0, rejected = 0, stopped = false;
    // A host that ignores Range sends a whole pack for each piece (some sixteen
    // times a record's bytes): there the budget is WHOLE_SCALE times larger.
    function left() { return remaining(budget, start, m); }
    // How many of these candidates (in order) can have their record's first
    // part fetched within the budget: the sizes come from their packs'
    // headers, read for as many as headers and average records leave room for.
    async function affordable(docs) {
      if (left() === Infinity) return docs.length;
      var per = m.packs.d, header = 4 * (2 * per + 1), room = left(), take = [], seen = new Set();
      for (var d of docs) {
        var path = "d/" + Math.floor(d / per) + ".bin", known = seen.has(path) || packs.has(path);
        var cost = records.has(d) || (ignoresRange && known) ? 0 : ignoresRange ? wholePack("d")
          : (known ? 0 : header) + RECORD_BYTES;
        if (cost > room) break;
        room -= cost;
        seen.add(path);
        take.push(d);
      }
      var places = await Promise.all(take.map(d => records.has(d) ? null : place("d", d)));
      room = left();
      for (var i = 0; i < take.length; i++) {  // (a pack that came whole costs nothing more)
        var size = places[i] && !places[i].pack.whole ? places[i].first - places[i].start : 0;
        if (size > room) return i;
        room -= size;
      }
      return take.length;
    }
    // Whether the next part of each of these results' texts fits within the budget.
    function affordMore(list) {
      return list.reduce((sum, f) => sum + (f.rec.pack.whole ? 0 : f.rec.n[f.rec.loaded - 1] || 0), 0) <= left();
    }
    for (;;) {
      found.sort((a, b) => compare(b.key, a.key));
      var top = next < order.length ? bounds.get(order[next]) : null;
      var ahead = [];
      for (var f of found) {
        if (ahead.length >= want || (top && compare(f.key, top) < 0)) break;
        ahead.push(f);
      }
      var unsure = ahead.filter(f => !f.sure);
      if (unsure.length) {
        // One more part of each, then look again: each round keeps to the budget.
        if (!affordMore(unsure)) { stopped = true; break; }
        await Promise.all(unsure.map(f => more(f.doc, f.rec)));
        for (var u of unsure) {
          u.sure = verdict(u.rec, terms);
          if (u.sure === false) rejected++;
        }
        found = found.filter(f => f.sure !== false);
        continue;
      }
      if (ahead.length >= want || !top) break;
      var n = await affordable(order.slice(next, next + Math.min(PARALLEL, want - ahead.length)));
      if (!n) { stopped = true; break; }
      var batch = order.slice(next, next + n);
      next += batch.length;
      prefetch("d", order.slice(next, next + Math.ceil(n / 2)));  // the next round's headers, while this one's records come
      var recs = await Promise.all(batch.map(record));
      batch.forEach(function (d, i) {
        var rec = recs[i], v = !rec ? false : verify ? verdict(rec, terms) : true;
        if (v === false) { rejected++; return; }
        found.push({ doc: d, rec: rec, key: rank.key(d, rec, terms), sure: v });
      });
    }
    var shown = [];
    for (var g of found) {
      if (shown.length >= want || !g.sure || (next < order.length && compare(g.key, bounds.get(order[next])) < 0)) break;
      shown.push(g);
    }

    var total = cand.length, exact = !verify, rough = false;
    var counted = JSON.stringify([terms, opts.section, opts.person, range, seg.name]);
    if (verify && counts.has(counted)) {
      total = counts.get(counted);
      exact = true;
    } else if (verify && opts.exact !== false) {
      // Every other candidate is checked too: the count is exact, whatever it costs.
      // The common keys left out are loaded now: each is cheaper than the
      // texts of the candidates it rules out.
      var skipped = [].concat.apply([], terms.map((t, i) => ngramKeys(t, "").filter(k => !keys[i].includes(k))));
      var holds = intersect(await Promise.all(skipped.map(lookUp)));
      var rest = order.slice(next).concat(found.filter(f => !f.sure).map(f => f.doc));
      if (skipped.length) {
        holds = new Set(holds);
        rejected += rest.filter(d => !holds.has(d)).length;
        rest = rest.filter(d => holds.has(d));
      }
      for (var i = 0; i < rest.length; i += PARALLEL) {
        await Promise.all(rest.slice(i, i + PARALLEL).map(async function (d) {
          var rec = await record(d);
          if (!rec || !(await settle(d, rec, terms))) rejected++;
        }));
      }
      total = cand.length - rejected;
      exact = true;
      counts.set(counted, total);  // the next page of the same query counts nothing again
    } else if (verify) {
      var sure = found.filter(f => f.sure).length;
      exact = sure + rejected === cand.length;
      var guess = estimate(found, terms, order.length - next, next, rejected);
      total = exact ? sure : guess.total;
      rough = !exact && guess.rough;
    }
    // A match beyond the first piece is fetched for the excerpt to show it
    // (within the budget; else the excerpt is the text's start).
    var page = shown.slice(offset, want), far = page;
    while ((far = far.filter(f => !f.rec.whole && !holdsAll(normText(f.rec), terms))).length && affordMore(far)) {
      await Promise.all(far.map(f => more(f.doc, f.rec)));
    }
    var nearLimit = amount(opts.near, limit);
    return {
      total: total,
      exact: exact,
      complete: !stopped,
      pending: exact ? 0 : order.length - next + found.filter(f => !f.sure).length,
      sure: exact ? total : found.filter(f => f.sure).length,
      rough: rough,
      terms: terms,
      results: page.map(f => result(f.rec, terms)),
      near: opts.near === false || stopped ? null
        : await nearSearch(seg, terms, filters, range, nearLimit, { left: left, affordable: affordable, affordMore: affordMore }),
    };
  }

  function union(lists) {
    var out = Array.from(new Set([].concat.apply([], lists))).sort((a, b) => a - b);
    out.merged = lists.some(l => l.merged);
    return out;
  }

  // Near matches (nearKeys, squeeze): the articles that hold every term once
  // the marks between Han characters are ignored, but not every term as
  // typed, so never one of the exact results. Checked newest first within the budget
  // (cost: its left, affordable, affordMore): {total, exact, pending, terms,
  // results}, or null when no term has two Han neighbours (a near match
  // would be an exact one).
  async function nearSearch(seg, terms, filters, range, limit, cost) {
    var groups = terms.map(nearKeys);
    if (groups.every(g => !g)) return null;
    var near = terms.map(squeeze), all = [], across = [];
    terms.forEach(function (t, i) {
      for (var ks of groups[i] || ngramKeys(t, "").map(k => [k])) {
        all.push(ks);
        if (ks.length > 1) across.push(ks[1]);
      }
    });
    // (the keys' shards and a few records at least, or nothing is looked up)
    if (await lookupCost("g", [].concat.apply([], all), seg) + 4 * RECORD_BYTES > cost.left()) {
      return { total: 0, exact: false, pending: null, terms: near, results: [] };
    }
    var lists = await Promise.all(all.map(ks => Promise.all(ks.map(k => docsFor(k, seg))).then(union)));
    // Unless a term had marks of its own (中国—东盟 near-matches 中国东盟), a
    // near match holds some pair of a term across marks.
    if (near.every((t, i) => t === terms[i])) lists.push(union(await Promise.all(across.map(k => docsFor(k, seg)))));
    var cand = intersect(lists.concat(filters)).filter(d => d >= range[0] && d < range[1]).reverse();
    var found = [], checked = 0;
    while (checked < cand.length) {
      var n = await cost.affordable(cand.slice(checked, checked + PARALLEL));
      if (!n) break;
      var batch = cand.slice(checked, checked + n), recs = await Promise.all(batch.map(record)), open = [];
      checked += n;
      batch.forEach((d, i) => recs[i] && open.push({ doc: d, rec: recs[i] }));
      while ((open = open.filter(function (f) {
        var v = nearVerdict(f.rec, terms, near);
        if (v) found.push(f);
        return v === null;
      })).length) {
        if (!cost.affordMore(open)) { checked -= open.length; break; }
        await Promise.all(open.map(f => more(f.doc, f.rec)));
      }
      if (open.length) break;
    }
    found.sort((a, b) => b.doc - a.doc);
    return {
      total: found.length, exact: checked === cand.length, pending: cand.length - checked, terms: near,
      results: found.slice(0, limit).map(f => result(f.rec, near, true)),
    };
  }

  // Whether an article is a near match: true or false once known, null while
  // its text loaded so far cannot tell (it may hold the terms as typed further on).
  function nearVerdict(rec, terms, near) {
    if (holdsAll(normText(rec), terms)) return false;
    if (!rec.whole) return null;
    return holdsAll(squeezedText(rec), near);
  }

  // How many of the candidates match, from those checked so far: a candidate
  // whose first piece holds the query matches; of the others, as many as did
  // among those checked to the end (a quarter when none was). {total, rough}:
  // rough unless the estimate can be trusted, that is every count still
  // possible is within 25% of it, or at least TRUSTED candidates were checked
  // and every one matched in its first piece (the candidates are those of the
  // query). The candidates are checked best first, so a rate taken from
  // them is no rate of the rest.
  function estimate(found, terms, unchecked, checked, rejected) {
    var sure = 0, lead = 0, later = 0, open = 0;
    for (var f of found) {
      if (f.sure === true) sure++;
      if (f.sure === true && holdsAll(f.rec.lead, terms)) lead++;
      else if (f.sure === true) later++;
      else open++;
    }
    var rate = later + rejected ? later / (later + rejected) : 0.25;
    var first = checked ? (lead + (checked - lead) * rate) / checked : rate;
    var total = Math.round(sure + open * rate + unchecked * first), most = sure + open + unchecked;
    var low = Math.ceil(most * 0.75), high = Math.floor(sure * 1.25);
    if (low <= high) {  // every count from sure to most is within 25% of one between
      return { total: Math.min(Math.max(total, low), high), rough: false };
    }
    // A page of candidates all matched: as many of the rest as the rule of
    // succession expects, (n + 1) / (n + 2) of them.
    if (sure >= TRUSTED && !open && !rejected) {
      return { total: Math.round(sure + unchecked * (checked + 1) / (checked + 2)), rough: false };
    }
    return { total: total, rough: true };
  }

  // Date order: newest first, nothing to load.
  function byDate() {
    return { bound: d => [d], key: d => [d] };
  }

  // Headline matches first, then (for several terms) those holding the terms
  // together as typed, then those whose first piece of text (about 1,200
  // characters: the lead) holds the query, then BM25 over jieba terms, newer
  // first on ties. bound(d) is the best key article d can have before its
  // record is read; key(d, rec) its key once it is.
  async function relevance(seg, cand, terms, keys, lists, known, want) {
    var docs = seg.end - seg.first;
    // The headline keys of each term's two rarest keys (one each for several
    // terms: together they are rare enough) give a bound; the record's
    // headline decides.
    var sizes = new Map();
    var headKeys = [].concat.apply([], terms.map(function (t, i) {
      return keys[i].map(function (k, j) { sizes.set(k, lists[i][j].length); return [lists[i][j].length, k]; })
        .sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1))
        .slice(0, terms.length > 1 ? 1 : 2).map(x => HEAD + x[1]);
    }));
    var words = unique([].concat.apply([], await Promise.all(terms.map(t => cutForSearch(t, true))))).filter(function (w) {
      var n = Array.from(w).length;
      return n > 2 || (n === 2 && !common(w));
    });
    // Headline keys, the phrase's keys and the terms' weights come at once;
    // with the headline matches in, the records likely shown first (of many
    // candidates) have their packs' headers asked for while the weights come.
    var heads = docsWithAll(unique(headKeys), seg);
    if (cand.length > 4 * want) {  // (fewer are asked for already)
      heads.then(function (inHead) {
        var first = new Set(inHead), newest = cand.slice().reverse();
        prefetch("d", newest.filter(d => first.has(d)).concat(newest.filter(d => !first.has(d))).slice(0, want));
      }, function () {});
    }
    var got = await Promise.all([
      heads,
      terms.length > 1 ? docsWithAll(ngramKeys(terms.join(""), ""), seg) : Promise.resolve(null),
      Promise.all(words.map(w => weightsFor(w, seg))),
    ]);
    var inHead = new Set(got[0]), phrase = got[1] ? new Set(got[1]) : null, weights = got[2];
    var score = new Map();
    for (var d of cand) {
      var s = 0;
      for (var w of weights) s += w.get(d) || 0;
      score.set(d, s);
    }
    // A two-character word in more than two fifths of a large archive's
    // articles (or too frequent to be loaded as a key) has no weight to fetch.
    function common(w) {
      if (docs < 1000) return false;
      if (sizes.has(w)) return sizes.get(w) > docs * 2 / 5;
      return known.has(Array.from(w)[0]) && knownFreq(w) >= COMMON_WORD;
    }
    function together(d) { return !phrase || phrase.has(d) ? 1 : 0; }
    return {
      bound: d => [inHead.has(d) ? 1 : 0, together(d), 1, score.get(d), d],
      key: function (d, rec) {
        return [holdsAll(rec.leadHead, terms) ? 1 : 0, together(d), holdsAll(rec.lead, terms) ? 1 : 0, score.get(d), d];
      },
    };
  }

  search.normalize = normalize;
  search.parseQuery = parseQuery;
  search.cut = async text => cutForSearch(await normalize(text));
  search.meta = meta;
  window.wxnewsSearch = search;

  // ------------------------------------------------------------ the page

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function appendParts(parent, parts) {
    for (var p of parts) parent.appendChild(p[1] ? el("mark", null, p[0]) : document.createTextNode(p[0]));
  }

  function renderResult(r) {
    var li = el("li", "search-result");
    var h = el("h2", "search-result-title"), a = el("a");
    a.href = r.href;
    appendParts(a, r.titleParts);
    h.appendChild(a);
    li.appendChild(h);
    var info = el("p", "search-result-meta");
    var time = el("time", null, r.date);
    time.dateTime = r.date;
    info.appendChild(time);
    info.appendChild(document.createTextNode(" · 第" + r.page + "版" + (r.section ? " " + r.section : "")));
    if (r.bylines && r.bylines.length) info.appendChild(document.createTextNode(" · " + r.bylines.join(" ")));
    li.appendChild(info);
    var ex = el("p", "search-result-excerpt");
    appendParts(ex, r.excerptParts);
    li.appendChild(ex);
    return li;
  }

  var FIELDS = ["q", "section", "person", "from", "to", "sort"];
  var PAGE_SIZE = 10;
  // A first view (the page, its CSS and script, and the index pieces of the
  // query) downloads at most this much; a later view as much again without
  // the page. Past it the page shows what is certain and offers to go on.
  var FIRST_VIEW = 119 * 1024, VIEW = 64 * 1024;
  var LEAST = 24 * 1024;  // a heavier theme still gets the record dictionary and a few records

  // Bytes of the page and all it has loaded so far.
  function pageBytes() {
    var n = loaded;  // index pieces, counted as they arrive
    for (var e of performance.getEntriesByType("navigation")) n += e.encodedBodySize || 0;
    for (var r of performance.getEntriesByType("resource")) if (r.name.indexOf(BASE) !== 0) n += r.encodedBodySize || 0;
    return n;
  }

  // Opened from disk, the page may not fetch the index (browsers forbid it):
  // it says so, and how to preview the site, instead of failing.
  function fromDisk(form, status) {
    form.hidden = true;
    var notice = document.getElementById("search-offline");
    if (notice) notice.hidden = false;  // a search.html of an older theme has none
    else status.textContent = "检索需要通过网址（http 或 https）访问本站：直接从磁盘打开（file://）的网页无法读取检索索引。" +
      "预览时请在存档目录运行 wxnews-site serve，再打开它给出的地址。";
  }

  // The near matches' part of the page (made here for a search.html of an older theme).
  function nearSection(after) {
    var section = document.getElementById("search-near");
    if (!section) {
      section = el("section", "search-near");
      section.id = "search-near";
      section.hidden = true;
      section.append(el("h2", "search-near-title"), el("ol", "search-results"), el("button", "search-more", "显示更多相近结果"));
      after.after(section);
    }
    return {
      section: section, title: section.querySelector(".search-near-title"), list: section.querySelector("ol"),
      more: section.querySelector(".search-more"),
    };
  }

  // "另有 N 篇相近结果": never counted with the exact ones, shown after them.
  function showNear(near, res) {
    if (!res || !res.total) return;
    near.title.textContent = "另有" + (res.exact ? " " : "至少 ") + res.total + " 篇相近结果：“" + res.terms.join(" ") + "”";
    for (var r of res.results) near.list.appendChild(renderResult(r));
    near.more.hidden = res.results.length >= res.total;
    near.section.hidden = false;
  }

  async function setupPage(form) {
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var count = document.getElementById("search-count");
    if (!count) {  // a search.html of an older theme has no such button
      count = el("button", "search-count", "逐篇核对，统计确切篇数");
      count.type = "button";
      count.id = "search-count";
      status.after(count);
    }
    var near = nearSection(more);
    var sectionSelect = form.elements.section;
    var shown = PAGE_SIZE, nearShown = PAGE_SIZE, current = 0, exact = false, views = 0;
    if (location.protocol === "file:") { fromDisk(form, status); return; }
    form.hidden = false;
    try {
      var m = await meta();
      if (sectionSelect) {
        for (var s of m.sections) sectionSelect.appendChild(new Option(s, s));
      }
      if (m.first && form.elements.from) { form.elements.from.min = m.first; form.elements.to.min = m.first; }
      if (m.last && form.elements.from) { form.elements.from.max = m.last; form.elements.to.max = m.last; }
    } catch (err) {
      status.textContent = "检索索引无法载入（" + err.message + "）。请稍后再试，或从往期回顾、版面和作者页面浏览文章。";
      return;
    }

    function readUrl() {
      var params = new URLSearchParams(location.search);
      for (var f of FIELDS) if (form.elements[f]) form.elements[f].value = params.get(f) || (f === "sort" ? "relevance" : "");
      document.querySelectorAll('form[role="search"] input[name="q"]').forEach(function (i) { i.value = params.get("q") || ""; });
    }

    function writeUrl() {
      var params = new URLSearchParams();
      for (var f of FIELDS) {
        var v = form.elements[f] && form.elements[f].value.trim();
        if (v && !(f === "sort" && v === "relevance")) params.set(f, v);
      }
      var url = location.pathname + (params.toString() ? "?" + params : "");
      if (url !== location.pathname + location.search) history.pushState(null, "", url);
    }

    // The status says only what is known: "共" for an exact count, "约" for an
    // estimate (with the offer to count exactly).
    async function run() {
      var run_id = ++current;
      var q = form.elements.q.value;
      list.replaceChildren();
      near.list.replaceChildren();
      more.hidden = count.hidden = near.section.hidden = true;
      if (!q.trim()) { status.textContent = "请输入要检索的字词，例如 长三角、老旧小区。"; return; }
      status.textContent = exact ? "正在逐篇核对……" : "正在检索……";
      var opts = { limit: shown, sort: form.elements.sort.value, exact: exact, near: nearShown };
      if (!exact) opts.budget = views++ ? VIEW : Math.max(LEAST, FIRST_VIEW - pageBytes());
      for (var f of ["section", "person", "from", "to"]) if (form.elements[f] && form.elements[f].value) opts[f] = form.elements[f].value;
      var t0 = performance.now();
      var res;
      try { res = await search(q, opts); } catch (err) {
        if (run_id === current) status.textContent = "检索出错：" + err.message;
        return;
      }
      if (run_id !== current) return;
      var ms = "（" + Math.round(performance.now() - t0) + " 毫秒）", quoted = "“" + res.terms.join(" ") + "”";
      showNear(near, res.near);
      // Near matches not all checked: the button checks them (and counts exactly).
      var nearOpen = res.near && !res.near.exact;
      count.textContent = res.exact && nearOpen ? "核对相近结果" : "逐篇核对，统计确切篇数";
      count.hidden = res.exact && !nearOpen;
      if (res.exact && !res.total) {
        status.textContent = "没有找到包含" + quoted + "的文章。" + (res.near && res.near.total ? ""
          : nearOpen ? "忽略字间空格和标点的相近结果尚未核对。" : "请检查用字，或减少检索词、放宽筛选条件。");
        return;
      }
      if (!res.results.length) {
        status.textContent = "在最相关的候选文章中暂未找到包含" + quoted + "的文章；还有 " + res.pending + " 篇候选文章尚未核对。" + ms;
      } else {
        var older = res.older ? "；更早的 " + res.older + " 个年份尚未检索" : "";
        status.textContent = res.exact ? "共找到 " + res.total + " 篇文章" + ms
          : res.rough ? "已找到 " + res.sure + " 篇文章，还有 " + res.pending + " 篇候选文章尚未核对" + older + ms
          : (res.older ? "近年约有 " : "约有 ") + res.total + " 篇文章" + older + ms;
      }
      for (var r of res.results) list.appendChild(renderResult(r));
      more.hidden = res.complete && res.results.length >= res.total && !res.older;
      more.textContent = res.complete ? "显示更多结果" : "继续核对，显示更多结果";
    }

    function fresh() { shown = nearShown = PAGE_SIZE; exact = false; writeUrl(); run(); }
    form.addEventListener("submit", function (ev) { ev.preventDefault(); fresh(); });
    form.addEventListener("change", function (ev) { if (ev.target.name !== "q") fresh(); });
    more.addEventListener("click", function () { shown += PAGE_SIZE; run(); });
    near.more.addEventListener("click", function () { nearShown += PAGE_SIZE; run(); });
    count.addEventListener("click", function () { exact = true; run(); });
    window.addEventListener("popstate", function () { readUrl(); shown = nearShown = PAGE_SIZE; exact = false; run(); });
    // Keyboard: "/" jumps to the box; arrow keys walk the result links.
    document.addEventListener("keydown", function (ev) {
      var links = Array.from(list.querySelectorAll(".search-result-title a"));
      var at = links.indexOf(document.activeElement);
      if (ev.key === "/" && !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
        ev.preventDefault(); form.elements.q.focus();
      } else if (ev.key === "ArrowDown" && (at >= 0 || document.activeElement === form.elements.q) && links.length) {
        ev.preventDefault(); links[Math.min(at + 1, links.length - 1)].focus();
      } else if (ev.key === "ArrowUp" && at >= 0) {
        ev.preventDefault(); (at === 0 ? form.elements.q : links[at - 1]).focus();
      }
    });
    readUrl();
    if (!form.elements.q.value) form.elements.q.focus();  // autofocus does not apply to a form shown late
    await run();
  }

  function start() {
    var form = document.getElementById("search-form");
    if (form) setupPage(form);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
