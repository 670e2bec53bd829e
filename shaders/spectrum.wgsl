// Where a frequency stage keeps its half-spectra (the `spec` buffer): in tiles
// of TILE adjacent columns. Plane p = s * CH + c of the batch holds TILES
// tiles; tile j holds bins (u, v) for v in j * TILE .. j * TILE + TILE - 1 and
// every u, row by row: H * TILE values in a row, each tile whole.
//
// Why tiles: the column pass reads and writes whole columns. In row-major
// order (H rows of V bins) a column is V values apart, so neighbouring
// invocations of that pass touched addresses 8 V bytes apart (904 bytes at
// 224x224): uncoalesced reads and writes of the whole spectrum, twice. Here a
// workgroup of the column pass reads its TILE columns as one contiguous run
// of H * TILE values (TC such runs, one per channel), consecutive invocations
// on consecutive words, and writes them back the same way. The row passes,
// which hold 2 NSEQ whole rows, write (and the inverse rows pass reads) the
// bins of a tile for all of their rows as one run of 2 NSEQ * TILE values
// (runs split where their rows change plane), again consecutive invocations
// on consecutive words. Transposing into column order instead (TILE = 1)
// would leave the row passes runs of 2 NSEQ values only; a tile of several
// columns makes them TILE times longer, where workgroup memory leaves room
// for TILE columns in the column pass. The including module defines H, CH,
// TILE and TILES (= ceil(V / TILE)); bins past V of the last tile are never
// read nor written.

// Index in `spec` of bin k of row r of the batch (r = p * H + u).
fn spec_at(r: u32, k: u32) -> u32 {
  let p = r / H;
  let u = r - p * H;
  let j = k / TILE;
  return ((p * TILES + j) * H + u) * TILE + (k - j * TILE);
}

// The e-th of the TILES * ROWS * TILE bins a row pass moves, in the order
// that makes consecutive invocations touch consecutive words (for ROWS rows
// of one plane): row i < ROWS and bin k (k >= V for the last tile's padding).
fn tile_order(e: u32, rows: u32) -> vec2<u32> {
  let l = e % TILE;
  let t = e / TILE;
  let i = t % rows;
  return vec2<u32>(i, (t / rows) * TILE + l);
}
