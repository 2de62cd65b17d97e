//! Automatic review assignment for the programme committee: give every proposal its
//! K reviews, exactly, as a minimum-cost flow.
//!
//! # The problem
//!
//! Each proposal `p` still needs `missing_p` reviewers (K minus the reviewers it
//! already has). A [`Candidate`] is a pair (proposal, reviewer) that may be
//! assigned (in scope, not conflicted, not already on it) with a preference in
//! `-100..=100`. Reviewers have no capacity limit; each carries `load_r`
//! assignments already. A plan picks a set of candidate pairs, at most
//! `missing_p` per proposal. Plans are ranked lexicographically:
//!
//! 1. most new assignments;
//! 2. fewest assignments with a negative preference;
//! 3. best load balance: least `Σ_r L_r (L_r + 1) / 2`, where `L_r` is the final
//!    load of reviewer `r` (existing plus new);
//! 4. greatest total preference of the new assignments.
//!
//! # The network
//!
//! * a source `s`, a sink `t`, one node per proposal that needs reviewers and has
//!   a candidate, one node per reviewer that appears in such a candidate;
//! * `s → p`: capacity `missing_p`, cost 0;
//! * `p → r` for each candidate: capacity 1, cost `(neg, 0, −preference)`, where
//!   `neg` is 1 for a negative preference and 0 otherwise;
//! * `r → t`: uncapacitated and convex: its `k`-th unit of flow, which brings the
//!   reviewer to final load `l = load_r + k`, costs `(0, l, 0)`.
//!
//! Integral flows are exactly the plans (one unit through `p → r` is the new pair
//! (p, r)); the flow value is the number of new assignments, and the cost of a
//! flow is `(negatives, Σ_r [L_r(L_r+1)/2 − load_r(load_r+1)/2], −total preference)`:
//! objectives 2, 3 and 4 in that order, the balance term up to a constant.
//!
//! Costs are vectors of `Z³` compared lexicographically. That is a totally ordered
//! abelian group, and the whole theory of minimum-cost flow (reduced costs,
//! potentials, "a flow is cheapest for its value iff its residual network has no
//! negative cycle") uses nothing but addition and a compatible total order, so it
//! holds verbatim. No big-M weights: nothing can overflow or be mis-scaled.
//!
//! # The algorithm and why its answer is optimal
//!
//! Successive shortest paths (primal–dual) with Johnson potentials `π`. The
//! invariant is that every residual arc has reduced cost
//! `c(u, v) + π(u) − π(v) ≥ 0`, which certifies that the current flow is a
//! cheapest one of its value. Initially the flow is zero and `π` comes from the
//! shortest distances in the acyclic network. Each phase runs Dijkstra on reduced
//! costs (binary heap, stopped as soon as `t` is settled), sets
//! `π(v) += min(d(v), d(t))` (which keeps every reduced cost non-negative), then
//! pushes as many units as a depth-first search finds along paths made only of
//! zero-reduced-cost arcs: those are shortest paths, and augmenting along a
//! shortest path preserves the invariant. When `t` is no longer reachable the flow
//! is maximum, and by the invariant it is cheapest among all flows of that value,
//! i.e. among all plans with the most assignments: the lexicographic optimum of
//! 1–4 above. Everything is deterministic (candidates are put in a canonical order
//! first), so the same input gives the same plan.
//!
//! The convex arc `r → t` is kept implicit: its forward residual cost is the cost
//! of the next unit, `(0, L_r + 1, 0)`. Its backward residual arc (removing the
//! last unit) leaves `t`, so no simple `s–t` path uses it and it needs no
//! representation; for the same reason the backward arcs `p → s` are left out.
//! The graph therefore has about |candidates| + |reviewers| arcs, not one arc per
//! unit of load.
//!
//! Two savings keep a phase cheap. An *open* proposal (one with `s → p` residual
//! capacity left) is always at distance 0, since `s → p` costs 0 and keeps reduced
//! cost 0 (both potentials move by 0 each phase); so rather than scanning the arcs
//! of every open proposal, each reviewer keeps a heap of its unused arcs from open
//! proposals and the source relaxes one folded arc `s → p → r` per reviewer, the
//! heap top (stale entries are dropped lazily). And one Dijkstra serves several
//! augmentations: the depth-first search keeps a pointer per node, so a phase
//! costs about one pass over the arcs. On 900 proposals × 30 reviewers × K = 3 a
//! solve takes tens of milliseconds for committee-like preferences (mostly 0) and
//! a few hundred with uniformly random ones, where nearly every unit needs its
//! own shortest path.
//!
//! Why the quadratic term balances: `f(l) = l(l+1)/2` has increments
//! `f(l) − f(l−1) = l`, strictly increasing, so wherever an assignment can move
//! from a reviewer at final load `a` to one at `b < a − 1` without adding a
//! negative preference, the optimum has already made that move. More strongly,
//! the final-load vectors of the plans that are optimal for 1 and 2 form an
//! M-convex set, on which the minimiser of a sum of one strictly convex function
//! is the decreasingly-minimal element (Frank–Murota): it minimises the largest
//! load and maximises the smallest at once. Preferences only break the ties that
//! remain. Only reviewers that appear in a candidate can get new work; the others
//! are untouched.
//!
//! Candidates outside the instance's index ranges are ignored, preferences are
//! clamped to `-100..=100`, and a pair listed twice counts once with its higher
//! preference.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::{Add, Neg, Sub};

/// One proposal to fill: how many more reviewers it needs (K minus reviewers it already has, by assignment or by a
/// review written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub missing: u32,
}

/// One reviewer: assignments they already carry (counted in the load balance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reviewer {
    pub load: u32,
}

/// A pair that may be assigned: reviewer in scope, not conflicted, not already on the proposal. preference in
/// -100..=100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub proposal: usize,
    pub reviewer: usize,
    pub preference: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Instance {
    pub needs: Vec<Need>,
    pub reviewers: Vec<Reviewer>,
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// New pairs (proposal index, reviewer index), sorted.
    pub chosen: Vec<(usize, usize)>,
    /// Proposals that could not get all they needed: (proposal index, how many are still missing), sorted.
    pub unfilled: Vec<(usize, u32)>,
}

/// The best plan for `inst` (see the module documentation for the order of the objectives).
pub fn solve(inst: &Instance) -> Plan {
    let mut net = Network::new(inst);
    // Each phase pushes at least one unit while the sink is reachable; the check only guards against a loop.
    while net.shortest_paths() && net.push_admissible() > 0 {}
    net.plan(inst)
}

/// A cost in `Z³`, ordered lexicographically (field order): negatives, load, minus preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
struct Cost {
    neg: i64,
    load: i64,
    pref: i64,
}

const ZERO: Cost = Cost { neg: 0, load: 0, pref: 0 };
const INF: Cost = Cost { neg: i64::MAX, load: i64::MAX, pref: i64::MAX };

impl Add for Cost {
    type Output = Cost;
    fn add(self, o: Cost) -> Cost {
        Cost { neg: self.neg + o.neg, load: self.load + o.load, pref: self.pref + o.pref }
    }
}

impl Sub for Cost {
    type Output = Cost;
    fn sub(self, o: Cost) -> Cost {
        Cost { neg: self.neg - o.neg, load: self.load - o.load, pref: self.pref - o.pref }
    }
}

impl Neg for Cost {
    type Output = Cost;
    fn neg(self) -> Cost {
        Cost { neg: -self.neg, load: -self.load, pref: -self.pref }
    }
}

/// A candidate arc `p → r` (capacity 1); `used` is its flow.
#[derive(Debug, Clone, Copy)]
struct Arc {
    prop: usize,
    rev: usize,
    cost: Cost,
    used: bool,
}

/// What the depth-first search finds at one position of a node's arc list.
enum Step {
    End,
    Skip,
    To(usize),
}

/// The residual network. Nodes: proposals `0..np`, reviewers `np..np + nr`, then the sink, then the source.
struct Network {
    np: usize,
    nr: usize,
    /// Sorted by (proposal, reviewer), hence grouped by proposal.
    arcs: Vec<Arc>,
    prop_start: Vec<usize>,
    /// Per reviewer, the arcs into it that carry flow (their residual arcs `r → p`).
    rev_used: Vec<Vec<usize>>,
    /// Residual capacity of `s → p`; a proposal with some left is "open".
    rem: Vec<u32>,
    /// Per reviewer, the unused arcs into it from open proposals, cheapest first: the arcs `s → p → r` folded
    /// into one. Lazy: entries that went stale (arc used, proposal filled) are dropped when they reach the top.
    from_open: Vec<BinaryHeap<Reverse<(Cost, usize)>>>,
    /// Current final load of each reviewer node.
    load: Vec<i64>,
    prop_orig: Vec<usize>,
    rev_orig: Vec<usize>,
    pi: Vec<Cost>,
    dist: Vec<Cost>,
    heap: BinaryHeap<Reverse<(Cost, usize)>>,
    ptr: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
}

impl Network {
    fn new(inst: &Instance) -> Network {
        let needs = &inst.needs;
        let mut cands: Vec<(usize, usize, i32)> = inst
            .candidates
            .iter()
            .filter(|c| c.proposal < needs.len() && c.reviewer < inst.reviewers.len())
            .filter(|c| needs[c.proposal].missing > 0)
            .map(|c| (c.proposal, c.reviewer, c.preference.clamp(-100, 100)))
            .collect();
        cands.sort_unstable_by_key(|&(p, r, pref)| (p, r, Reverse(pref)));
        cands.dedup_by_key(|c| (c.0, c.1));

        // Reviewer nodes, in index order: those with a usable candidate.
        let mut rev_node = vec![None; inst.reviewers.len()];
        for &(_, r, _) in &cands {
            rev_node[r] = Some(0);
        }
        let mut rev_orig = Vec::new();
        for (r, node) in rev_node.iter_mut().enumerate() {
            if node.is_some() {
                *node = Some(rev_orig.len());
                rev_orig.push(r);
            }
        }
        let mut prop_orig: Vec<usize> = Vec::new();
        let mut prop_start = Vec::new();
        let mut arcs = Vec::with_capacity(cands.len());
        for (i, &(p, r, pref)) in cands.iter().enumerate() {
            let Some(rev) = rev_node[r] else { continue };
            if prop_orig.last() != Some(&p) {
                prop_orig.push(p);
                prop_start.push(i);
            }
            let cost = Cost { neg: i64::from(pref < 0), load: 0, pref: -i64::from(pref) };
            arcs.push(Arc { prop: prop_orig.len() - 1, rev, cost, used: false });
        }
        prop_start.push(arcs.len());
        let (np, nr) = (prop_orig.len(), rev_orig.len());
        let n = np + nr + 2;

        // Potentials from the acyclic network: 0 at s and at the proposals, the cheapest arc into each reviewer,
        // the cheapest first unit into the sink.
        let mut pi = vec![ZERO; n];
        let mut best = vec![INF; nr];
        for a in &arcs {
            best[a.rev] = best[a.rev].min(a.cost);
        }
        let load: Vec<i64> = rev_orig.iter().map(|&r| i64::from(inst.reviewers[r].load)).collect();
        let mut to_sink = INF;
        for r in 0..nr {
            pi[np + r] = best[r];
            to_sink = to_sink.min(best[r] + Cost { neg: 0, load: load[r] + 1, pref: 0 });
        }
        if nr > 0 {
            pi[np + nr] = to_sink;
        }
        let rem = prop_orig.iter().map(|&p| needs[p].missing).collect();
        let mut from_open = vec![Vec::new(); nr];
        for (a, arc) in arcs.iter().enumerate() {
            from_open[arc.rev].push(Reverse((arc.cost, a)));
        }
        let from_open = from_open.into_iter().map(BinaryHeap::from).collect();

        Network {
            np,
            nr,
            arcs,
            prop_start,
            rev_used: vec![Vec::new(); nr],
            rem,
            from_open,
            load,
            prop_orig,
            rev_orig,
            pi,
            dist: vec![INF; n],
            heap: BinaryHeap::new(),
            ptr: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
        }
    }

    fn sink(&self) -> usize {
        self.np + self.nr
    }

    fn source(&self) -> usize {
        self.np + self.nr + 1
    }

    /// The cheapest arc `p → r` from an open proposal into reviewer `r` (a reviewer index), without stale entries.
    fn open_top(&mut self, r: usize) -> Option<(Cost, usize)> {
        while let Some(&Reverse((c, a))) = self.from_open[r].peek() {
            if !self.arcs[a].used && self.rem[self.arcs[a].prop] > 0 {
                return Some((c, a));
            }
            self.from_open[r].pop();
        }
        None
    }

    /// Cost of the next unit on the convex arc `r → t` (`r` a reviewer index, not a node).
    fn next_unit(&self, r: usize) -> Cost {
        Cost { neg: 0, load: self.load[r] + 1, pref: 0 }
    }

    /// Dijkstra on reduced costs from the source, stopped once the sink is settled, then the potential update
    /// `π += min(d, d(t))`. False when the sink cannot be reached (the flow is maximum).
    ///
    /// Open proposals are at distance 0 from the source (the arc `s → p` keeps reduced cost 0: both potentials
    /// move together), so they are settled from the start and their arcs are relaxed through `from_open`, one
    /// heap top per reviewer, rather than one by one.
    fn shortest_paths(&mut self) -> bool {
        let (np, nr, s, t) = (self.np, self.nr, self.source(), self.sink());
        self.dist.fill(INF);
        self.heap.clear();
        for p in 0..np {
            if self.rem[p] > 0 {
                self.dist[p] = ZERO;
            }
        }
        self.dist[s] = ZERO;
        for r in 0..nr {
            if let Some((c, _)) = self.open_top(r) {
                let v = np + r;
                self.relax(v, c + self.pi[s] - self.pi[v]);
            }
        }
        let mut reached = None;
        while let Some(Reverse((d, u))) = self.heap.pop() {
            if d > self.dist[u] {
                continue;
            }
            if u == t {
                reached = Some(d);
                break;
            }
            let pu = self.pi[u];
            if u < np {
                for a in self.prop_start[u]..self.prop_start[u + 1] {
                    let arc = self.arcs[a];
                    if !arc.used {
                        let v = np + arc.rev;
                        self.relax(v, d + arc.cost + pu - self.pi[v]);
                    }
                }
            } else {
                let r = u - np;
                self.relax(t, d + self.next_unit(r) + pu - self.pi[t]);
                for i in 0..self.rev_used[r].len() {
                    let arc = self.arcs[self.rev_used[r][i]];
                    self.relax(arc.prop, d - arc.cost + pu - self.pi[arc.prop]);
                }
            }
        }
        let Some(dt) = reached else {
            return false;
        };
        for (pi, &d) in self.pi.iter_mut().zip(&self.dist) {
            *pi = *pi + d.min(dt);
        }
        true
    }

    fn relax(&mut self, v: usize, d: Cost) {
        if d < self.dist[v] {
            self.dist[v] = d;
            self.heap.push(Reverse((d, v)));
        }
    }

    /// The `i`-th residual arc out of node `u`, if it is admissible (reduced cost zero). Out of the source, the
    /// `i`-th arc is the cheapest folded arc `s → p → r` into the `i`-th reviewer.
    fn step(&mut self, u: usize, i: usize) -> Step {
        let (np, nr, s, t) = (self.np, self.nr, self.source(), self.sink());
        if u == s {
            if i >= nr {
                return Step::End;
            }
            let v = np + i;
            return match self.open_top(i) {
                Some((c, _)) if c + self.pi[s] - self.pi[v] == ZERO => Step::To(v),
                _ => Step::Skip,
            };
        }
        let pi = &self.pi;
        if u < np {
            let a = self.prop_start[u] + i;
            if a >= self.prop_start[u + 1] {
                return Step::End;
            }
            let arc = self.arcs[a];
            let v = np + arc.rev;
            if !arc.used && arc.cost + pi[u] - pi[v] == ZERO {
                Step::To(v)
            } else {
                Step::Skip
            }
        } else if u < t {
            let r = u - np;
            if i == 0 {
                return if self.next_unit(r) + pi[u] - pi[t] == ZERO { Step::To(t) } else { Step::Skip };
            }
            let Some(&a) = self.rev_used[r].get(i - 1) else {
                return Step::End;
            };
            let arc = self.arcs[a];
            if pi[u] - arc.cost - pi[arc.prop] == ZERO {
                Step::To(arc.prop)
            } else {
                Step::Skip
            }
        } else {
            Step::End
        }
    }

    /// Pushes units along zero-reduced-cost paths (shortest paths) found by depth-first search with per-node arc
    /// pointers, until the search from the source fails. Finds at least one path when the sink was reached. Returns
    /// the number of units pushed.
    fn push_admissible(&mut self) -> usize {
        let mut pushed = 0;
        let (s, t) = (self.source(), self.sink());
        self.ptr.fill(0);
        self.on_stack.fill(false);
        self.stack.clear();
        self.stack.push(s);
        self.on_stack[s] = true;
        while let Some(&u) = self.stack.last() {
            if u == t {
                self.augment();
                pushed += 1;
                continue;
            }
            match self.step(u, self.ptr[u]) {
                Step::End => {
                    self.stack.pop();
                    self.on_stack[u] = false;
                    if let Some(&w) = self.stack.last() {
                        self.ptr[w] += 1;
                    }
                }
                Step::To(v) if !self.on_stack[v] => {
                    self.stack.push(v);
                    self.on_stack[v] = true;
                }
                _ => self.ptr[u] += 1,
            }
        }
        pushed
    }

    /// Uses arc `a` (`p → r`).
    fn take(&mut self, a: usize) {
        self.arcs[a].used = true;
        self.rev_used[self.arcs[a].rev].push(a);
    }

    /// One unit along the path on the stack, then back to the source.
    fn augment(&mut self) {
        let (np, s, t) = (self.np, self.source(), self.sink());
        for k in 1..self.stack.len() {
            let (u, v) = (self.stack[k - 1], self.stack[k]);
            let i = self.ptr[u];
            if u == s {
                if let Some((_, a)) = self.open_top(v - np) {
                    self.from_open[v - np].pop();
                    self.rem[self.arcs[a].prop] -= 1;
                    self.take(a);
                }
            } else if u < np {
                self.take(self.prop_start[u] + i);
            } else if v == t {
                self.load[u - np] += 1;
            } else {
                let r = u - np;
                let a = self.rev_used[r].swap_remove(i - 1);
                self.arcs[a].used = false;
                if self.rem[v] > 0 {
                    self.from_open[r].push(Reverse((self.arcs[a].cost, a)));
                }
            }
        }
        for &u in &self.stack {
            self.on_stack[u] = false;
        }
        self.stack.clear();
        self.stack.push(s);
        self.on_stack[s] = true;
    }

    fn plan(&self, inst: &Instance) -> Plan {
        let mut got = vec![0u32; inst.needs.len()];
        let mut chosen = Vec::new();
        for a in self.arcs.iter().filter(|a| a.used) {
            let p = self.prop_orig[a.prop];
            got[p] += 1;
            chosen.push((p, self.rev_orig[a.rev]));
        }
        let unfilled = inst
            .needs
            .iter()
            .zip(&got)
            .enumerate()
            .filter_map(|(p, (need, &g))| {
                let left = need.missing.saturating_sub(g);
                (left > 0).then_some((p, left))
            })
            .collect();
        Plan { chosen, unfilled }
    }
}

#[cfg(test)]
mod tests;
