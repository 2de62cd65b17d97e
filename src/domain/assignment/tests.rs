use super::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};

fn cand(proposal: usize, reviewer: usize, preference: i32) -> Candidate {
    Candidate { proposal, reviewer, preference }
}

/// The usable pairs with their effective preference, as the module documentation defines them.
fn normalized(inst: &Instance) -> BTreeMap<(usize, usize), i32> {
    let mut m = BTreeMap::new();
    for c in &inst.candidates {
        if c.proposal < inst.needs.len() && c.reviewer < inst.reviewers.len() {
            let pref = c.preference.clamp(-100, 100);
            let e = m.entry((c.proposal, c.reviewer)).or_insert(pref);
            *e = (*e).max(pref);
        }
    }
    m
}

/// (count, −negatives, −balance cost, total preference): larger is better.
fn objective(inst: &Instance, prefs: &BTreeMap<(usize, usize), i32>, chosen: &[(usize, usize)]) -> [i64; 4] {
    let mut load: Vec<i64> = inst.reviewers.iter().map(|r| i64::from(r.load)).collect();
    let (mut neg, mut total) = (0, 0);
    for pr in chosen {
        let pref = prefs[pr];
        neg += i64::from(pref < 0);
        total += i64::from(pref);
        load[pr.1] += 1;
    }
    let balance: i64 = load.iter().map(|l| l * (l + 1) / 2).sum();
    [chosen.len() as i64, -neg, -balance, total]
}

/// Checks the plan's shape; returns the number of new reviewers per proposal.
fn check_valid(inst: &Instance, plan: &Plan) -> Vec<u32> {
    let prefs = normalized(inst);
    let mut sorted = plan.chosen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, plan.chosen, "chosen must be sorted and without repeats");
    let mut got = vec![0u32; inst.needs.len()];
    for pr in &plan.chosen {
        assert!(prefs.contains_key(pr), "{pr:?} is not a candidate");
        got[pr.0] += 1;
    }
    let mut unfilled = Vec::new();
    for (p, need) in inst.needs.iter().enumerate() {
        assert!(got[p] <= need.missing, "proposal {p} over its need");
        if need.missing > got[p] {
            unfilled.push((p, need.missing - got[p]));
        }
    }
    assert_eq!(plan.unfilled, unfilled);
    got
}

fn brute_force(inst: &Instance) -> [i64; 4] {
    let prefs = normalized(inst);
    let per_prop: Vec<Vec<(usize, usize)>> =
        (0..inst.needs.len()).map(|p| prefs.keys().filter(|pr| pr.0 == p).copied().collect()).collect();
    let mut best = [i64::MIN; 4];
    let mut chosen = Vec::new();
    fn rec(
        p: usize,
        inst: &Instance,
        per_prop: &[Vec<(usize, usize)>],
        prefs: &BTreeMap<(usize, usize), i32>,
        chosen: &mut Vec<(usize, usize)>,
        best: &mut [i64; 4],
    ) {
        if p == per_prop.len() {
            *best = (*best).max(objective(inst, prefs, chosen));
            return;
        }
        let cs = &per_prop[p];
        for mask in 0u32..(1 << cs.len()) {
            if mask.count_ones() > inst.needs[p].missing {
                continue;
            }
            let before = chosen.len();
            chosen.extend((0..cs.len()).filter(|i| mask & (1 << i) != 0).map(|i| cs[i]));
            rec(p + 1, inst, per_prop, prefs, chosen, best);
            chosen.truncate(before);
        }
    }
    rec(0, inst, &per_prop, &prefs, &mut chosen, &mut best);
    best
}

fn random_pref(rng: &mut StdRng) -> i32 {
    if rng.gen_bool(0.5) {
        *[-100, -50, 0, 50, 100].choose(rng).unwrap()
    } else {
        rng.gen_range(-100..=100)
    }
}

#[test]
fn matches_brute_force_on_small_instances() {
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..300 {
        let (np, nr) = (rng.gen_range(2..=4), rng.gen_range(2..=4));
        let density = rng.gen_range(0.3..1.0);
        let mut inst = Instance {
            needs: (0..np).map(|_| Need { missing: rng.gen_range(0..=2) }).collect(),
            reviewers: (0..nr).map(|_| Reviewer { load: rng.gen_range(0..=2) }).collect(),
            candidates: Vec::new(),
        };
        for p in 0..np {
            for r in 0..nr {
                if rng.gen_bool(density) {
                    inst.candidates.push(cand(p, r, random_pref(&mut rng)));
                }
            }
        }
        // Noise the solver must see through: repeats, out-of-range indices and preferences.
        if rng.gen_bool(0.3) && !inst.candidates.is_empty() {
            let c = *inst.candidates.choose(&mut rng).unwrap();
            inst.candidates.push(cand(c.proposal, c.reviewer, random_pref(&mut rng)));
        }
        if rng.gen_bool(0.2) {
            inst.candidates.push(cand(np, 0, 50));
            inst.candidates.push(cand(0, nr + 3, 50));
        }
        if rng.gen_bool(0.2) {
            let (p, r) = (rng.gen_range(0..np), rng.gen_range(0..nr));
            inst.candidates.push(cand(p, r, *[-1000, 150, i32::MIN, i32::MAX].choose(&mut rng).unwrap()));
        }
        inst.candidates.shuffle(&mut rng);
        let plan = solve(&inst);
        check_valid(&inst, &plan);
        let got = objective(&inst, &normalized(&inst), &plan.chosen);
        assert_eq!(got, brute_force(&inst), "{inst:?} -> {plan:?}");
    }
}

/// Optimality certificate on the residual network with explicit arcs: no augmenting path (maximum flow) and no
/// negative cycle (cheapest among flows of that value), by Bellman–Ford over lexicographic costs.
fn assert_certified(inst: &Instance, plan: &Plan) {
    let prefs = normalized(inst);
    let (np, nr) = (inst.needs.len(), inst.reviewers.len());
    let (s, t) = (np + nr, np + nr + 1);
    let chosen: BTreeSet<(usize, usize)> = plan.chosen.iter().copied().collect();
    let mut got = vec![0u32; np];
    let mut load: Vec<i64> = inst.reviewers.iter().map(|r| i64::from(r.load)).collect();
    for &(p, r) in &chosen {
        got[p] += 1;
        load[r] += 1;
    }
    let mut arcs: Vec<(usize, usize, Cost)> = Vec::new();
    for (p, (&g, need)) in got.iter().zip(&inst.needs).enumerate() {
        if g < need.missing {
            arcs.push((s, p, ZERO));
        }
        if g > 0 {
            arcs.push((p, s, ZERO));
        }
    }
    let mut in_graph = vec![false; nr];
    for (&(p, r), &pref) in &prefs {
        let c = Cost { neg: i64::from(pref < 0), load: 0, pref: -i64::from(pref) };
        if chosen.contains(&(p, r)) {
            arcs.push((np + r, p, -c));
        } else {
            arcs.push((p, np + r, c));
        }
        in_graph[r] = true;
    }
    for r in (0..nr).filter(|&r| in_graph[r]) {
        arcs.push((np + r, t, Cost { neg: 0, load: load[r] + 1, pref: 0 }));
        if load[r] > i64::from(inst.reviewers[r].load) {
            arcs.push((t, np + r, -Cost { neg: 0, load: load[r], pref: 0 }));
        }
    }
    // Reachability of t from s.
    let mut seen = vec![false; t + 1];
    let mut todo = vec![s];
    seen[s] = true;
    while let Some(u) = todo.pop() {
        for &(a, b, _) in &arcs {
            if a == u && !seen[b] {
                seen[b] = true;
                todo.push(b);
            }
        }
    }
    assert!(!seen[t], "an augmenting path remains");
    // Bellman–Ford from a virtual root at distance zero to every node.
    let mut d = vec![ZERO; t + 1];
    for round in 0..=t + 1 {
        let mut changed = false;
        for &(a, b, c) in &arcs {
            if d[a] + c < d[b] {
                d[b] = d[a] + c;
                changed = true;
            }
        }
        if !changed {
            return;
        }
        assert!(round <= t, "negative cycle: the plan is not optimal");
    }
}

#[test]
fn properties_on_larger_instances() {
    let mut rng = StdRng::seed_from_u64(11);
    for _ in 0..200 {
        let (np, nr) = (rng.gen_range(1..=40), rng.gen_range(1..=8));
        let density = rng.gen_range(0.1..1.0);
        let mut inst = Instance {
            needs: (0..np).map(|_| Need { missing: rng.gen_range(0..=3) }).collect(),
            reviewers: (0..nr).map(|_| Reviewer { load: rng.gen_range(0..=5) }).collect(),
            candidates: Vec::new(),
        };
        for p in 0..np {
            for r in 0..nr {
                if rng.gen_bool(density) {
                    inst.candidates.push(cand(p, r, random_pref(&mut rng)));
                }
            }
        }
        inst.candidates.shuffle(&mut rng);
        let plan = solve(&inst);
        let got = check_valid(&inst, &plan);
        let prefs = normalized(&inst);
        let chosen: BTreeSet<(usize, usize)> = plan.chosen.iter().copied().collect();
        for (p, need) in inst.needs.iter().enumerate() {
            let degree = prefs.keys().filter(|pr| pr.0 == p).count() as u32;
            assert_eq!(got[p], need.missing.min(degree), "proposal {p} not filled as far as possible");
        }
        for &(p, r) in &plan.chosen {
            if prefs[&(p, r)] < 0 {
                let better = prefs.iter().any(|(&pr, &pref)| pr.0 == p && pref >= 0 && !chosen.contains(&pr));
                assert!(!better, "({p}, {r}) is negative while a non-negative candidate is left");
            }
        }
        assert_certified(&inst, &plan);
        // The same set of candidates in another order gives the same plan.
        let mut shuffled = inst.clone();
        shuffled.candidates.shuffle(&mut rng);
        assert_eq!(solve(&shuffled), plan);
    }
}

#[test]
fn balances_when_everyone_is_eligible() {
    let mut rng = StdRng::seed_from_u64(13);
    for _ in 0..100 {
        let (np, nr) = (rng.gen_range(1..=40), rng.gen_range(1..=8));
        let inst = Instance {
            needs: (0..np).map(|_| Need { missing: rng.gen_range(0..=3.min(nr as u32)) }).collect(),
            reviewers: vec![Reviewer { load: 0 }; nr],
            candidates: (0..np)
                .flat_map(|p| (0..nr).map(move |r| (p, r)))
                .map(|(p, r)| cand(p, r, *[0, 50, 100].choose(&mut rng).unwrap()))
                .collect(),
        };
        let plan = solve(&inst);
        check_valid(&inst, &plan);
        assert!(plan.unfilled.is_empty());
        let mut load = vec![0; nr];
        for &(_, r) in &plan.chosen {
            load[r] += 1;
        }
        let (min, max) = (load.iter().min().unwrap(), load.iter().max().unwrap());
        assert!(max - min <= 1, "loads {load:?}");
    }
}

/// Reviewers R0 (load 1), R1 (load 2), R2 (load 0).
/// * P2 has only R1, with -100: taken anyway, filling comes first.
/// * P0 needs 2 of R0 (0), R1 (50), R2 (-50): R0 and R1, avoiding the negative R2 although R1 ends at load 4.
/// * P3 needs 2 but has only R2: gets it, one still missing.
/// * P1 needs 1 of R0 (100) and R2 (0, listed twice, once at -20): R0 would end at load 3, R2 ends at 2, so
///   balance wins over preference and R2 gets it.
/// * P4 needs 1 and has no candidate; the candidate for proposal 7 does not exist and is ignored.
#[test]
fn hand_example() {
    let inst = Instance {
        needs: [2, 1, 1, 2, 1].iter().map(|&missing| Need { missing }).collect(),
        reviewers: [1, 2, 0].iter().map(|&load| Reviewer { load }).collect(),
        candidates: vec![
            cand(0, 0, 0),
            cand(0, 1, 50),
            cand(0, 2, -50),
            cand(1, 0, 100),
            cand(1, 2, -20),
            cand(1, 2, 0),
            cand(2, 1, -100),
            cand(3, 2, 50),
            cand(7, 0, 0),
        ],
    };
    let plan = solve(&inst);
    assert_eq!(plan.chosen, vec![(0, 0), (0, 1), (1, 2), (2, 1), (3, 2)]);
    assert_eq!(plan.unfilled, vec![(3, 1), (4, 1)]);
}

#[test]
fn ties_break_on_preference_and_empty_inputs() {
    // Equal loads either way: the higher preference wins.
    let inst = Instance {
        needs: vec![Need { missing: 1 }],
        reviewers: vec![Reviewer { load: 3 }, Reviewer { load: 3 }],
        candidates: vec![cand(0, 0, 10), cand(0, 1, 60)],
    };
    assert_eq!(solve(&inst).chosen, vec![(0, 1)]);
    assert_eq!(solve(&Instance::default()), Plan::default());
    let only_needs = Instance { needs: vec![Need { missing: 0 }, Need { missing: 3 }], ..Instance::default() };
    assert_eq!(solve(&only_needs), Plan { chosen: vec![], unfilled: vec![(1, 3)] });
}
