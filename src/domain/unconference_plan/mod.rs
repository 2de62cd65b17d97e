//! Unconference planning (Ubuntu-Developer-Summit style): place sessions proposed on site into the free time
//! of small rooms, so that the people who must be there can be, and few interested people miss a session.
//!
//! # The model
//!
//! Time is in whole slots `0 .. horizon`. A session of `slots` slots (0 counts as 1) occupies the slots
//! `start .. start + slots` of one room. Its *people* are the distinct ids of `essential ∪ interested` (an id
//! in both is essential); its *demand* is their number. A session is *fixed* if `placed.is_some() &&
//! !movable`: it stays where it is and is trusted (its spot need not be free, in range or clash-free). All
//! others are *planned*; `placed` of a movable one is just its current spot. A spot `(room, start)` is
//! *allowed* for a planned session if the room has all its `needs`, the run lies below the horizon and is
//! `free` in that room (a short `free` vector means "not free" past its end), no fixed session sits in the
//! run in that room, no essential person is `busy` in it, and no fixed session sharing an essential person
//! overlaps it in time. A plan is *feasible* if each planned session is unplaced or on an allowed spot, no
//! two sessions overlap in a room, and no two sharing an essential person overlap in time (two fixed ones
//! excepted). [`plan`] and [`greedy`] return feasible plans only.
//!
//! [`score`]: *essential clashes* count (person, pair of overlapping sessions) with the person essential to
//! both, plus (essential person, session) whose run meets a busy slot of the person — only fixed sessions
//! can bring them into a returned plan; *interested clashes* count (person, pair of overlapping sessions)
//! with the person among the people of both, not essential to both; *size misfit* sums, per placed session
//! of demand `d` in a room of capacity `c`, `3·max(0, d − c) + max(0, c − 2d − 4)`.
//!
//! Plans are ranked lexicographically: most placed sessions, fewest interested clashes, least misfit, fewest
//! *moved* sessions (movable ones not left on their spot, unplaced included). The search minimises
//! `−W_P·placed + W_C·clashes + W_M·misfit + W_V·moved` with weights that make that order exact: `W_V = 1`,
//! `W_M = V + 1` (V = movable sessions), `W_C = W_M·(B_M + 1)` (B_M = the largest reachable misfit),
//! `W_P = W_C·(B_C + 1)` (B_C = all possible clashes); if these would not fit an `i64` comfortably, fixed
//! weights 2⁴⁰, 2²⁰, 2⁶, 1 are used ("lexicographic-ish").
//!
//! # The search
//!
//! Precomputed per session: its allowed spots (by start, then room), its clash neighbours with weights and
//! its essential neighbours. The state keeps room occupancy per slot and each session's interval, so
//! placing or lifting a session costs O(length + neighbours) and updates the cost exactly.
//!
//! 1. Two constructions, [`greedy`] and hardest-first (fewest allowed spots, then highest demand; each at
//!    its own spot if feasible, else its cheapest feasible one); the cheaper one is the start, so a plan
//!    never places fewer sessions than greedy.
//! 2. Simulated annealing, seeded splitmix64, moves undone through a journal when rejected: *relocate* to
//!    a random allowed spot (35 %); *nudge* by one slot or to another room at the same time (15 %); *swap*
//!    two placed sessions' spots (20 %); *eject* (30 %, half of them for an unplaced session): take a
//!    random allowed spot, lift the (at most three) sessions in the way and reinsert each at the best of 8
//!    random feasible spots, else at the first feasible one. A worsening move is accepted with probability
//!    `exp(−Δ/T)`, `T` falling geometrically from 3 to 0.03 clashes over 85 % of the iterations, then from
//!    3 misfit units to 0.3 moves. At most `20 000 + 4 000·P` iterations (P = planned sessions with an
//!    allowed spot; cap 3 000 000); past half of them, also stop after `min(200 000, limit/4)` without a
//!    new best.
//! 3. Steepest descent from the best state seen: each planned session in turn to its cheapest feasible
//!    spot (unplaced ones inserted where possible), up to 8 sweeps.
//!
//! Deterministic for a given instance and seed. `budget` is a safety net only: when it runs out the search
//! stops early (the plan then depends on the machine's speed). Unless it did, no unplaced session fits into
//! the returned plan: its reason is [`Unplaced::NoRoom`] if no room with its equipment has a run of free,
//! unoccupied slots of its length, else [`Unplaced::EssentialClash`].

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// A room that can be booked: time is in whole slots (e.g. 30-minute steps) from the window's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub capacity: u32,
    pub equipment: Vec<String>,
    /// free[t] = the room is bookable and free in slot t
    pub free: Vec<bool>,
}

/// A proposed session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub slots: u32,
    /// needs these equipment words (all of them)
    pub needs: Vec<String>,
    /// people ids
    pub essential: Vec<u64>,
    pub interested: Vec<u64>,
    /// Already placed: (room index, start slot) — kept there unless `movable`.
    pub placed: Option<(usize, u32)>,
    pub movable: bool,
}

/// Time is in whole slots (e.g. 30-minute steps) from the window's start: slot 0 .. horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub horizon: u32,
    pub rooms: Vec<Room>,
    pub sessions: Vec<Session>,
    /// Busy slots of people outside this plan (e.g. their talks): (person, slot). Essential people are never
    /// planned into them.
    pub busy: Vec<(u64, u32)>,
}

/// Where a session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub room: usize,
    pub start: u32,
}

/// Why a session was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unplaced {
    /// No room with the equipment and a free run of that length.
    NoRoom,
    /// Every free spot clashes for an essential person.
    EssentialClash,
    /// Unused, reserved.
    Capacity,
}

/// A plan and its measures (see [`score`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// One entry per session: Some(placement) or None.
    pub placements: Vec<Option<Placement>>,
    /// Why each None is None (same index; None where placed).
    pub reasons: Vec<Option<Unplaced>>,
    pub essential_clashes: u32,
    pub interested_clashes: u64,
    pub size_misfit: u64,
}

const NONE: u32 = u32::MAX;
const FIXED: u32 = u32::MAX - 1;

type Spot = (u32, u32); // (start, room): the order of the greedy's "earliest"

fn length(s: &Session) -> u32 {
    s.slots.max(1)
}

fn fixed_at(s: &Session) -> Option<(usize, u32)> {
    s.placed.filter(|_| !s.movable)
}

/// The distinct people of a session, essential ones flagged, sorted by id.
fn people(s: &Session) -> Vec<(u64, bool)> {
    let mut v: Vec<(u64, bool)> =
        s.essential.iter().map(|&p| (p, true)).chain(s.interested.iter().map(|&p| (p, false))).collect();
    v.sort_unstable_by_key(|&(p, e)| (p, !e));
    v.dedup_by_key(|x| x.0);
    v
}

fn misfit(demand: u64, capacity: u64) -> u64 {
    demand.saturating_sub(capacity) * 3 + capacity.saturating_sub(2 * demand + 4)
}

fn overlap(a: (u64, u64), b: (u64, u64)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Measures placements: (essential clashes, interested clashes, size misfit), as the module documentation
/// defines them. It checks no hard rule; placements past the end of `inst.sessions` are ignored.
pub fn score(inst: &Instance, placements: &[Option<Placement>]) -> (u32, u64, u64) {
    let mut busy: HashMap<u64, Vec<u32>> = HashMap::new();
    inst.busy.iter().for_each(|&(p, t)| busy.entry(p).or_default().push(t));
    let mut ppl = vec![Vec::new(); inst.sessions.len()];
    let mut span = vec![(0u64, 0u64); inst.sessions.len()];
    let (mut essential, mut interested, mut size) = (0u64, 0u64, 0u64);
    for (i, (s, p)) in inst.sessions.iter().zip(placements).enumerate() {
        let Some(p) = p else { continue };
        ppl[i] = people(s);
        span[i] = (u64::from(p.start), u64::from(p.start) + u64::from(length(s)));
        if let Some(room) = inst.rooms.get(p.room) {
            size += misfit(ppl[i].len() as u64, u64::from(room.capacity));
        }
        let meets = |ts: &Vec<u32>| ts.iter().any(|&t| span[i].0 <= u64::from(t) && u64::from(t) < span[i].1);
        essential += ppl[i].iter().filter(|&&(id, e)| e && busy.get(&id).is_some_and(meets)).count() as u64;
    }
    shared(&ppl, |a, b, both| {
        let hit = u64::from(overlap(span[a], span[b]));
        *if both { &mut essential } else { &mut interested } += hit;
    });
    (u32::try_from(essential).unwrap_or(u32::MAX), interested, size)
}

/// Calls `f(a, b, essential to both)` once per person and pair of sessions `a`, `b` that both list the person.
fn shared(ppl: &[Vec<(u64, bool)>], mut f: impl FnMut(usize, usize, bool)) {
    let mut by_person: HashMap<u64, Vec<(usize, bool)>> = HashMap::new();
    for (i, list) in ppl.iter().enumerate() {
        list.iter().for_each(|&(p, e)| by_person.entry(p).or_default().push((i, e)));
    }
    for list in by_person.values() {
        for (k, &(a, ea)) in list.iter().enumerate() {
            list[k + 1..].iter().for_each(|&(b, eb)| f(a, b, ea && eb));
        }
    }
}

/// splitmix64: a tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The search state; `journal` records (session, previous spot) for undo.
#[derive(Clone)]
struct State {
    pos: Vec<Option<Spot>>,
    span: Vec<(u64, u64)>,
    occ: Vec<u32>,
    cost: i64,
    journal: Vec<(usize, Option<Spot>)>,
}

struct Model<'a> {
    inst: &'a Instance,
    h: usize,
    len: Vec<u64>,
    demand: Vec<u64>,
    orig: Vec<Option<Spot>>,
    /// Sessions that are planned and have an allowed spot.
    movable: Vec<usize>,
    cands: Vec<Vec<Spot>>,
    adj: Vec<Vec<(usize, u64)>>,
    ess: Vec<Vec<usize>>,
    base: State,
    w: [i64; 4], // placed, clash, misfit, move
}

impl<'a> Model<'a> {
    fn new(inst: &'a Instance) -> Model<'a> {
        // Past the longest `free` vector nothing is free: a shorter horizon keeps `occ` small.
        let h = inst.rooms.iter().map(|r| r.free.len()).max().unwrap_or(0).min(inst.horizon as usize);
        let (n, nr) = (inst.sessions.len(), inst.rooms.len());
        let len: Vec<u64> = inst.sessions.iter().map(|s| u64::from(length(s))).collect();
        let ppl: Vec<Vec<(u64, bool)>> = inst.sessions.iter().map(people).collect();
        let fixed: Vec<bool> = inst.sessions.iter().map(|s| fixed_at(s).is_some()).collect();
        let mut pair_w: HashMap<(usize, usize), u64> = HashMap::new();
        let mut ess = vec![Vec::new(); n];
        shared(&ppl, |a, b, both| match both {
            true => [(a, b), (b, a)].into_iter().for_each(|(x, y)| ess[x].push(y)),
            false => *pair_w.entry((a, b)).or_default() += 1,
        });
        let mut adj = vec![Vec::new(); n];
        for (&(a, b), &w) in &pair_w {
            adj[a].push((b, w));
            adj[b].push((a, w));
        }
        adj.iter_mut().for_each(|v| v.sort_unstable());
        ess.iter_mut().for_each(|v| {
            v.sort_unstable();
            v.dedup();
        });
        // Fixed sessions: occupancy and time spans, never changed afterwards.
        let mut base = State {
            pos: vec![None; n],
            span: vec![(u64::MAX, 0); n],
            occ: vec![NONE; nr * h],
            cost: 0,
            journal: Vec::new(),
        };
        for (i, s) in inst.sessions.iter().enumerate() {
            if let Some((r, st)) = fixed_at(s) {
                base.span[i] = (u64::from(st), u64::from(st) + len[i]);
                let cells = (st as usize).min(h)..(st as u64 + len[i]).min(h as u64) as usize;
                if r < nr {
                    base.occ[r * h + cells.start..r * h + cells.end].fill(FIXED);
                }
            }
        }
        let busy: HashSet<(u64, u32)> = inst.busy.iter().copied().collect();
        let mut cands = vec![Vec::new(); n];
        for (i, s) in inst.sessions.iter().enumerate().filter(|&(i, _)| !fixed[i]) {
            let l = len[i] as usize;
            for st in 0..h.saturating_sub(l - 1) {
                let time_ok =
                    ppl[i].iter().filter(|p| p.1).all(|&(p, _)| (st..st + l).all(|t| !busy.contains(&(p, t as u32))))
                        && ess[i].iter().all(|&b| !fixed[b] || !overlap(base.span[b], (st as u64, (st + l) as u64)));
                if !time_ok {
                    continue;
                }
                for (r, room) in inst.rooms.iter().enumerate() {
                    let slots_ok = (st..st + l).all(|t| room.free.get(t) == Some(&true) && base.occ[r * h + t] == NONE);
                    if slots_ok && s.needs.iter().all(|w| room.equipment.contains(w)) {
                        cands[i].push((st as u32, r as u32));
                    }
                }
            }
        }
        let orig_spot =
            |s: &Session| s.placed.filter(|_| s.movable).map(|(r, t)| (t, u32::try_from(r).unwrap_or(NONE)));
        let orig: Vec<Option<Spot>> = inst.sessions.iter().map(orig_spot).collect();
        let movable: Vec<usize> = (0..n).filter(|&i| !cands[i].is_empty()).collect();
        let demand: Vec<u64> = ppl.iter().map(|p| p.len() as u64).collect();
        let cap = |r: u32| u64::from(inst.rooms[r as usize].capacity);
        let v = orig.iter().filter(|o| o.is_some()).count() as u128 + 1;
        let bm: u128 = movable
            .iter()
            .map(|&i| cands[i].iter().map(|c| misfit(demand[i], cap(c.1))).max().unwrap_or(0) as u128)
            .sum();
        let bc: u128 = pair_w.values().map(|&w| u128::from(w)).sum();
        let wc = v * (bm + 1);
        let wp = wc * (bc + 1);
        let exact = wp.checked_mul(n as u128 + 1).is_some_and(|x| x < (1u128 << 61));
        let w = if exact { [wp as i64, wc as i64, v as i64, 1] } else { [1 << 40, 1 << 20, 1 << 6, 1] };
        base.cost = (v as i64 - 1) * w[3]; // every movable session starts off its spot
        Model { inst, h, len, demand, orig, movable, cands, adj, ess, base, w }
    }

    /// Whether `a` may go to `spot` (one of its allowed spots) now.
    fn fits(&self, st: &State, a: usize, (s, r): Spot) -> bool {
        let (s0, e0) = (u64::from(s), u64::from(s) + self.len[a]);
        let cell = r as usize * self.h;
        (s0..e0).all(|t| matches!(st.occ[cell + t as usize], x if x == NONE || x as usize == a))
            && self.ess[a].iter().all(|&b| b == a || !overlap(st.span[b], (s0, e0)))
    }

    /// Whether `a` may go to any `spot` now.
    fn feasible(&self, st: &State, a: usize, spot: Spot) -> bool {
        self.cands[a].binary_search(&spot).is_ok() && self.fits(st, a, spot)
    }

    /// The cost change of placing the unplaced session `a` at `spot`.
    fn insert_delta(&self, st: &State, a: usize, (s, r): Spot) -> i64 {
        let span = (u64::from(s), u64::from(s) + self.len[a]);
        let clash: u64 = self.adj[a].iter().map(|&(b, w)| w * u64::from(overlap(st.span[b], span))).sum();
        let room = u64::from(self.inst.rooms[r as usize].capacity);
        let moved =
            i64::from(self.orig[a].is_some() && self.orig[a] != Some((s, r))) - i64::from(self.orig[a].is_some());
        -self.w[0] + self.w[1] * clash as i64 + self.w[2] * misfit(self.demand[a], room) as i64 + self.w[3] * moved
    }

    /// Moves `a` to `to` without journaling; `to` must be feasible once `a` is lifted.
    fn put(&self, st: &mut State, a: usize, to: Option<Spot>) {
        let cells =
            |(s, r): Spot| r as usize * self.h + s as usize..r as usize * self.h + (s as u64 + self.len[a]) as usize;
        if let Some(from) = st.pos[a] {
            st.occ[cells(from)].fill(NONE);
            (st.pos[a], st.span[a]) = (None, (u64::MAX, 0));
            st.cost -= self.insert_delta(st, a, from);
        }
        if let Some(to) = to {
            st.cost += self.insert_delta(st, a, to);
            st.occ[cells(to)].fill(a as u32);
            (st.pos[a], st.span[a]) = (Some(to), (u64::from(to.0), u64::from(to.0) + self.len[a]));
        }
    }

    fn set(&self, st: &mut State, a: usize, to: Option<Spot>) {
        st.journal.push((a, st.pos[a]));
        self.put(st, a, to);
    }

    fn undo(&self, st: &mut State) {
        while let Some((a, to)) = st.journal.pop() {
            self.put(st, a, to);
        }
    }

    /// The cheapest feasible spot of the unplaced `a`: all spots if `tries == 0`, else `tries` random
    /// ones, falling back on the first feasible spot from a random offset.
    fn best_spot(&self, st: &State, a: usize, rng: &mut Rng, tries: usize) -> Option<Spot> {
        let c = &self.cands[a];
        let mut best: Option<(i64, Spot)> = None;
        let mut consider = |spot: Spot| {
            let d = Some(spot).filter(|&sp| self.fits(st, a, sp)).map(|sp| self.insert_delta(st, a, sp));
            if let Some(d) = d.filter(|&d| best.is_none_or(|(bd, _)| d < bd)) {
                best = Some((d, spot));
            }
        };
        if tries == 0 {
            c.iter().for_each(|&spot| consider(spot));
        } else {
            (0..tries).for_each(|_| consider(c[rng.below(c.len())]));
        }
        let off = if best.is_none() { rng.below(c.len()) } else { 0 };
        best.map(|b| b.1).or_else(|| (0..c.len()).map(|k| c[(off + k) % c.len()]).find(|&sp| self.fits(st, a, sp)))
    }

    /// Greedy (`hardest == None`: by demand, earliest spot) or hardest-first (fewest spots, then demand;
    /// cheapest spot) construction; either keeps a movable session on its own spot if feasible.
    fn construct(&self, hardest: Option<&mut Rng>) -> State {
        let mut st = self.base.clone();
        let mut order = self.movable.clone();
        let fewest = hardest.is_some();
        order.sort_by_key(|&i| (if fewest { self.cands[i].len() } else { 0 }, std::cmp::Reverse(self.demand[i])));
        let mut rng = hardest;
        for a in order {
            let spot = self.orig[a].filter(|&o| self.feasible(&st, a, o)).or_else(|| match rng.as_deref_mut() {
                Some(rng) => self.best_spot(&st, a, rng, 0),
                None => self.cands[a].iter().copied().find(|&c| self.fits(&st, a, c)),
            });
            self.put(&mut st, a, spot);
        }
        st
    }

    /// Moves `a` to a random allowed spot or, if `near` and placed, by one slot or to another room.
    fn relocate(&self, st: &mut State, rng: &mut Rng, a: usize, near: bool) -> bool {
        let to = match (st.pos[a], near, rng.below(4)) {
            (Some((s, r)), true, 0) => (s.wrapping_sub(1), r),
            (Some((s, r)), true, 1) => (s + 1, r),
            (Some((s, _)), true, _) => (s, rng.below(self.inst.rooms.len()) as u32),
            _ => self.cands[a][rng.below(self.cands[a].len())],
        };
        if st.pos[a] == Some(to) || !self.feasible(st, a, to) {
            return false;
        }
        self.set(st, a, Some(to));
        true
    }

    /// Exchanges the spots of two placed sessions.
    fn swap(&self, st: &mut State, a: usize, b: usize) -> bool {
        let (Some(pa), Some(pb)) = (st.pos[a], st.pos[b]) else { return false };
        if a == b {
            return false;
        }
        self.set(st, a, None);
        self.set(st, b, None);
        for (x, to) in [(a, pb), (b, pa)] {
            if !self.feasible(st, x, to) {
                return false;
            }
            self.set(st, x, Some(to));
        }
        true
    }

    fn eject(&self, st: &mut State, rng: &mut Rng, a: usize) -> bool {
        let (s, r) = self.cands[a][rng.below(self.cands[a].len())];
        if st.pos[a] == Some((s, r)) {
            return false;
        }
        self.set(st, a, None);
        let span = (u64::from(s), u64::from(s) + self.len[a]);
        let in_room = (span.0..span.1).map(|t| st.occ[r as usize * self.h + t as usize]).filter(|&o| o != NONE);
        let in_time = self.ess[a].iter().copied().filter(|&b| overlap(st.span[b], span));
        let mut out: Vec<usize> = in_room.map(|o| o as usize).chain(in_time).collect();
        out.sort_unstable();
        out.dedup();
        if out.len() > 3 {
            return false;
        }
        out.iter().for_each(|&b| self.set(st, b, None));
        self.set(st, a, Some((s, r)));
        for k in (1..out.len()).rev() {
            out.swap(k, rng.below(k + 1));
        }
        for b in out {
            if let Some(sp) = self.best_spot(st, b, rng, 8) {
                self.set(st, b, Some(sp));
            }
        }
        true
    }

    /// From 3 to 0.03 clashes over 85 % of the run, then from 3 misfit units to 0.3 moves.
    fn temperature(&self, p: f64) -> f64 {
        let (wc, wm) = (self.w[1] as f64, self.w[2] as f64);
        let (hi, lo, q) = if p < 0.85 { (3.0 * wc, 0.03 * wc, p / 0.85) } else { (3.0 * wm, 0.3, (p - 0.85) / 0.15) };
        hi * (lo / hi).powf(q)
    }

    /// Simulated annealing from `st`; returns the best positions seen.
    fn anneal(&self, st: &mut State, rng: &mut Rng, deadline: Option<Instant>) -> Vec<Option<Spot>> {
        let m = self.movable.len();
        let limit = (20_000 + 4_000 * m).min(3_000_000);
        let stall = (limit / 4).min(200_000);
        let (mut best, mut best_cost, mut last) = (st.pos.clone(), st.cost, 0);
        for it in 0..if m == 0 { 0 } else { limit } {
            if (it % 256 == 0 && deadline.is_some_and(|d| Instant::now() >= d)) || (it > limit / 2 && it - last > stall)
            {
                break;
            }
            let before = st.cost;
            st.journal.clear();
            let (a, k) = (self.movable[rng.below(m)], rng.below(m));
            let done = match rng.below(100) {
                0..=34 => self.relocate(st, rng, a, false),
                35..=49 => self.relocate(st, rng, a, true),
                50..=69 => self.swap(st, a, self.movable[rng.below(m)]),
                70..=84 => self.eject(st, rng, a),
                // Eject for an unplaced session, if any.
                _ => match (0..m).map(|j| self.movable[(k + j) % m]).find(|&u| st.pos[u].is_none()) {
                    Some(u) => self.eject(st, rng, u),
                    None => self.eject(st, rng, a),
                },
            };
            let (delta, temp) = (st.cost - before, self.temperature(it as f64 / limit as f64));
            if !done || (delta > 0 && rng.unit() >= (-(delta as f64) / temp).exp()) {
                self.undo(st);
            } else if st.cost < best_cost {
                (best_cost, last) = (st.cost, it);
                best.clone_from(&st.pos);
            }
        }
        best
    }

    /// Steepest descent: each session in turn to its cheapest feasible spot, until nothing improves.
    fn descend(&self, st: &mut State, rng: &mut Rng, deadline: Option<Instant>) {
        for _ in 0..8 {
            let mut improved = false;
            for &a in &self.movable {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return;
                }
                let (cur, before) = (st.pos[a], st.cost);
                self.put(st, a, None);
                let to = self.best_spot(st, a, rng, 0).filter(|&sp| st.cost + self.insert_delta(st, a, sp) < before);
                improved |= to.is_some();
                self.put(st, a, to.or(cur));
            }
            if !improved {
                return;
            }
        }
    }

    /// Why the unplaced `i` has no spot in `st` (the plan is maximal).
    fn reason(&self, st: &State, i: usize) -> Unplaced {
        let (l, s) = (self.len[i] as usize, &self.inst.sessions[i]);
        let run = |r: usize, st0: usize| {
            (st0..st0 + l).all(|t| self.inst.rooms[r].free.get(t) == Some(&true) && st.occ[r * self.h + t] == NONE)
        };
        let fits = |(r, room): (usize, &Room)| {
            s.needs.iter().all(|w| room.equipment.contains(w)) && (0..self.h.saturating_sub(l - 1)).any(|t| run(r, t))
        };
        if self.inst.rooms.iter().enumerate().any(fits) {
            Unplaced::EssentialClash
        } else {
            Unplaced::NoRoom
        }
    }

    fn finish(&self, st: &State) -> Plan {
        let inst = self.inst;
        let placements: Vec<Option<Placement>> = inst
            .sessions
            .iter()
            .zip(&st.pos)
            .map(|(s, p)| match fixed_at(s) {
                Some((room, start)) => Some(Placement { room, start }),
                None => p.map(|(start, r)| Placement { room: r as usize, start }),
            })
            .collect();
        let reasons = placements.iter().enumerate().map(|(i, p)| p.is_none().then(|| self.reason(st, i))).collect();
        let (essential_clashes, interested_clashes, size_misfit) = score(inst, &placements);
        Plan { placements, reasons, essential_clashes, interested_clashes, size_misfit }
    }
}

/// The baseline: fixed sessions stay; the others, by decreasing demand (ties by index), each go to the
/// earliest feasible spot (by start slot, then room index) — a movable session first tries its own spot.
pub fn greedy(inst: &Instance) -> Plan {
    let model = Model::new(inst);
    model.finish(&model.construct(None))
}

/// Plans `inst` (see the module documentation): deterministic for a given `seed` unless `budget` runs out.
pub fn plan(inst: &Instance, seed: u64, budget: Duration) -> Plan {
    let deadline = Instant::now().checked_add(budget);
    let model = Model::new(inst);
    let mut rng = Rng(seed);
    let (g, h) = (model.construct(None), model.construct(Some(&mut rng)));
    let mut st = if h.cost < g.cost { h } else { g };
    let best = model.anneal(&mut st, &mut rng, deadline);
    let mut st = model.base.clone();
    best.into_iter().enumerate().for_each(|(a, spot)| model.put(&mut st, a, spot));
    model.descend(&mut st, &mut rng, deadline);
    model.finish(&st)
}

#[cfg(test)]
mod tests;
