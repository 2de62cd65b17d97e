use super::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng as _, SeedableRng};
use std::cmp::Reverse;
use std::collections::HashSet;
use std::ops::RangeInclusive;

const WORDS: [&str; 3] = ["projector", "whiteboard", "video"];
const BUDGET: Duration = Duration::from_secs(60);

fn len_of(s: &Session) -> u32 {
    s.slots.max(1)
}

fn is_fixed(s: &Session) -> bool {
    s.placed.is_some() && !s.movable
}

fn span(s: &Session, p: &Placement) -> (u32, u32) {
    (p.start, p.start + len_of(s))
}

fn meets(a: (u32, u32), b: (u32, u32)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Small random instances: some fixed and some movable sessions (spots not necessarily valid), busy people,
/// sessions of 0 slots now and then.
fn small(rng: &mut StdRng, sessions: RangeInclusive<usize>, max_rooms: usize, max_h: u32, max_people: u64) -> Instance {
    let horizon = rng.gen_range(max_h / 2..=max_h);
    let people = rng.gen_range(2..=max_people);
    let rooms = (0..rng.gen_range(1..=max_rooms))
        .map(|_| Room {
            capacity: rng.gen_range(1..=12),
            equipment: WORDS.iter().filter(|_| rng.gen_bool(0.5)).map(|w| w.to_string()).collect(),
            free: (0..horizon + rng.gen_range(0..2) - 1).map(|_| rng.gen_bool(0.9)).collect(),
        })
        .collect::<Vec<_>>();
    let sessions = (0..rng.gen_range(sessions))
        .map(|_| {
            let mut persons: Vec<u64> = (0..people).collect();
            persons.shuffle(rng);
            let ne = rng.gen_range(0..=2.min(persons.len()));
            let ni = rng.gen_range(0..=4.min(persons.len() - ne));
            let placed = rng.gen_bool(0.3).then(|| (rng.gen_range(0..rooms.len() + 1), rng.gen_range(0..horizon)));
            Session {
                slots: if rng.gen_bool(0.05) { 0 } else { rng.gen_range(1..=3) },
                needs: WORDS.iter().filter(|_| rng.gen_bool(0.1)).map(|w| w.to_string()).collect(),
                essential: persons[..ne].to_vec(),
                interested: persons[ne..ne + ni].to_vec(),
                placed,
                movable: rng.gen_bool(0.5),
            }
        })
        .collect();
    let busy = (0..rng.gen_range(0..4)).map(|_| (rng.gen_range(0..people), rng.gen_range(0..horizon))).collect();
    Instance { horizon, rooms, sessions, busy }
}

/// Whether session `i` may be at `p` on its own (room, horizon, free slots, equipment, busy people).
fn spot_ok(inst: &Instance, i: usize, p: &Placement) -> bool {
    let s = &inst.sessions[i];
    let Some(room) = inst.rooms.get(p.room) else { return false };
    let (a, b) = span(s, p);
    b <= inst.horizon
        && (a..b).all(|t| room.free.get(t as usize).copied().unwrap_or(false))
        && s.needs.iter().all(|w| room.equipment.contains(w))
        && !inst.busy.iter().any(|&(q, t)| s.essential.contains(&q) && (a..b).contains(&t))
}

/// Whether sessions `i` at `p` and `j` at `q` may coexist.
fn pair_ok(inst: &Instance, (i, p): (usize, &Placement), (j, q): (usize, &Placement)) -> bool {
    let (si, sj) = (&inst.sessions[i], &inst.sessions[j]);
    if is_fixed(si) && is_fixed(sj) {
        return true;
    }
    let together = meets(span(si, p), span(sj, q));
    !(together && (p.room == q.room || si.essential.iter().any(|e| sj.essential.contains(e))))
}

/// The hard rules, checked from the definitions.
fn check(inst: &Instance, placements: &[Option<Placement>]) -> Result<(), String> {
    if placements.len() != inst.sessions.len() {
        return Err("length".into());
    }
    for (i, (s, p)) in inst.sessions.iter().zip(placements).enumerate() {
        if is_fixed(s) {
            let want = s.placed.map(|(room, start)| Placement { room, start });
            if *p != want {
                return Err(format!("fixed session {i} moved"));
            }
        } else if let Some(p) = p {
            if !spot_ok(inst, i, p) {
                return Err(format!("session {i} on a bad spot {p:?}"));
            }
        }
    }
    for i in 0..placements.len() {
        for j in i + 1..placements.len() {
            if let (Some(p), Some(q)) = (&placements[i], &placements[j]) {
                if !pair_ok(inst, (i, p), (j, q)) {
                    return Err(format!("sessions {i} and {j} clash"));
                }
            }
        }
    }
    Ok(())
}

/// (essential clashes, interested clashes, size misfit) from the definitions, pair by pair.
fn reference_score(inst: &Instance, placements: &[Option<Placement>]) -> (u32, u64, u64) {
    let people = |s: &Session| s.essential.iter().chain(&s.interested).copied().collect::<HashSet<u64>>();
    let (mut essential, mut interested, mut size) = (0, 0, 0);
    for (i, (si, p)) in inst.sessions.iter().zip(placements).enumerate() {
        let Some(p) = p else { continue };
        let (a, b) = span(si, p);
        if let Some(room) = inst.rooms.get(p.room) {
            let (d, c) = (people(si).len() as i64, i64::from(room.capacity));
            size += (3 * (d - c).max(0) + (c - 2 * d - 4).max(0)) as u64;
        }
        let ess: HashSet<u64> = si.essential.iter().copied().collect();
        essential += ess.iter().filter(|&&x| inst.busy.iter().any(|&(y, t)| x == y && a <= t && t < b)).count() as u32;
        for (j, sj) in inst.sessions.iter().enumerate().skip(i + 1) {
            let Some(q) = &placements[j] else { continue };
            if meets((a, b), span(sj, q)) {
                for x in people(si).intersection(&people(sj)) {
                    if si.essential.contains(x) && sj.essential.contains(x) {
                        essential += 1;
                    } else {
                        interested += 1;
                    }
                }
            }
        }
    }
    (essential, interested, size)
}

fn placed(p: &Plan) -> usize {
    p.placements.iter().flatten().count()
}

fn all_spots(inst: &Instance) -> Vec<Placement> {
    (0..inst.rooms.len()).flat_map(|room| (0..inst.horizon).map(move |start| Placement { room, start })).collect()
}

/// Properties shared by `plan` and `greedy`.
fn check_plan(inst: &Instance, p: &Plan) {
    check(inst, &p.placements).unwrap_or_else(|e| panic!("{e}: {inst:?} {p:?}"));
    let measured = score(inst, &p.placements);
    assert_eq!(measured, (p.essential_clashes, p.interested_clashes, p.size_misfit));
    assert_eq!(measured, reference_score(inst, &p.placements), "score: {inst:?} {p:?}");
    assert_eq!(p.reasons.len(), inst.sessions.len());
    for k in 0..inst.sessions.len() {
        assert_eq!(p.reasons[k].is_some(), p.placements[k].is_none(), "reason of {k}");
        if p.placements[k].is_some() {
            continue;
        }
        // Maximal: no unplaced session fits anywhere.
        let mut with = p.placements.clone();
        for spot in all_spots(inst) {
            with[k] = Some(spot);
            assert!(check(inst, &with).is_err(), "session {k} fits at {spot:?}: {inst:?} {p:?}");
        }
        // NoRoom iff no room with the equipment has a run of free, unoccupied slots.
        let s = &inst.sessions[k];
        let room_run = all_spots(inst).into_iter().any(|spot| {
            let mut alone: Vec<Option<Placement>> = p.placements.clone();
            alone[k] = Some(spot);
            let run_ok = {
                let room = &inst.rooms[spot.room];
                let (a, b) = span(s, &spot);
                b <= inst.horizon
                    && (a..b).all(|t| room.free.get(t as usize).copied().unwrap_or(false))
                    && s.needs.iter().all(|w| room.equipment.contains(w))
            };
            run_ok
                && p.placements.iter().enumerate().all(|(j, q)| {
                    q.as_ref().is_none_or(|q| {
                        j == k || q.room != spot.room || !meets(span(&inst.sessions[j], q), span(s, &spot))
                    })
                })
        });
        let want = if room_run { Unplaced::EssentialClash } else { Unplaced::NoRoom };
        assert_eq!(p.reasons[k], Some(want), "reason of {k}: {inst:?} {p:?}");
    }
}

/// The baseline from its definition: by decreasing number of distinct people (ties by index), each at its own
/// spot if movable and still feasible, else at the earliest (slot, then room) feasible spot.
fn reference_greedy(inst: &Instance) -> Vec<Option<Placement>> {
    let fixed = |s: &Session| s.placed.filter(|_| !s.movable).map(|(room, start)| Placement { room, start });
    let mut out: Vec<Option<Placement>> = inst.sessions.iter().map(fixed).collect();
    let mut order: Vec<usize> = (0..inst.sessions.len()).filter(|&i| !is_fixed(&inst.sessions[i])).collect();
    let demand = |s: &Session| s.essential.iter().chain(&s.interested).collect::<HashSet<_>>().len();
    order.sort_by_key(|&i| Reverse(demand(&inst.sessions[i])));
    for i in order {
        let own = inst.sessions[i].placed.map(|(room, start)| Placement { room, start });
        let by_time =
            (0..inst.horizon).flat_map(|start| (0..inst.rooms.len()).map(move |room| Placement { room, start }));
        for spot in own.into_iter().chain(by_time) {
            out[i] = Some(spot);
            if check(inst, &out).is_ok() {
                break;
            }
            out[i] = None;
        }
    }
    out
}

#[test]
fn small_random_instances_keep_the_hard_rules() {
    let mut rng = StdRng::seed_from_u64(7);
    for case in 0..300 {
        let inst = small(&mut rng, 1..=7, 3, 10, 8);
        let g = greedy(&inst);
        let p = plan(&inst, case, BUDGET);
        check_plan(&inst, &g);
        assert_eq!(g.placements, reference_greedy(&inst), "case {case}: greedy");
        check_plan(&inst, &p);
        assert!(placed(&p) >= placed(&g), "case {case}: plan places fewer than greedy");
        if case % 10 == 0 {
            assert_eq!(plan(&inst, case, BUDGET), p, "case {case}: not deterministic");
        }
    }
}

fn moved(inst: &Instance, placements: &[Option<Placement>]) -> usize {
    let was = |s: &Session| s.placed.filter(|_| s.movable).map(|(room, start)| Placement { room, start });
    inst.sessions.iter().zip(placements).filter(|(s, p)| was(s).is_some() && was(s) != **p).count()
}

/// The best (placed, interested clashes, misfit, moved) over all feasible plans, ranked lexicographically.
fn brute_force(inst: &Instance) -> (usize, u64, u64, usize) {
    type Best = (usize, Reverse<u64>, Reverse<u64>, Reverse<usize>);
    fn go(inst: &Instance, i: usize, cur: &mut Vec<Option<Placement>>, best: &mut Best) {
        if i == inst.sessions.len() {
            let n = cur.iter().flatten().count();
            let (_, c, m) = reference_score(inst, cur);
            let key = (n, Reverse(c), Reverse(m), Reverse(moved(inst, cur)));
            *best = key.max(*best);
            return;
        }
        let s = &inst.sessions[i];
        let options: Vec<Option<Placement>> = if is_fixed(s) {
            vec![s.placed.map(|(room, start)| Placement { room, start })]
        } else {
            std::iter::once(None).chain(all_spots(inst).into_iter().filter(|p| spot_ok(inst, i, p)).map(Some)).collect()
        };
        for o in options {
            let fits = o
                .as_ref()
                .is_none_or(|p| (0..i).all(|j| cur[j].as_ref().is_none_or(|q| pair_ok(inst, (i, p), (j, q)))));
            if fits {
                cur.push(o);
                go(inst, i + 1, cur, best);
                cur.pop();
            }
        }
    }
    let mut best = (0, Reverse(u64::MAX), Reverse(u64::MAX), Reverse(usize::MAX));
    go(inst, 0, &mut Vec::new(), &mut best);
    (best.0, best.1 .0, best.2 .0, best.3 .0)
}

#[test]
fn tiny_instances_match_brute_force() {
    let mut rng = StdRng::seed_from_u64(11);
    let (mut off, mut forced) = (0, 0);
    for case in 0..200 {
        let inst = small(&mut rng, 3..=4, 2, 6, 4);
        let (n, c, m, v) = brute_force(&inst);
        let p = plan(&inst, case, BUDGET);
        assert_eq!(placed(&p), n, "case {case}: placed {inst:?} {p:?}");
        assert_eq!(p.interested_clashes, c, "case {case}: clashes {inst:?} {p:?}");
        off += usize::from((p.size_misfit, moved(&inst, &p.placements)) != (m, v));
        forced += usize::from(c > 0);
    }
    assert!(forced >= 20, "only {forced} instances force a clash");
    assert_eq!(off, 0, "misfit or moves off the optimum");
}

/// The benchmark's instance, scaled down: `n` sessions, `n * 2` attendees, `rooms` rooms, `days` days of
/// 16 slots (one unbookable slot between days).
fn summit(seed: u64, n: usize, rooms: usize, days: u32) -> Instance {
    let mut rng = StdRng::seed_from_u64(seed);
    let horizon = days * 17 - 1;
    let attendees = 2 * n as u64;
    let rooms: Vec<Room> = (0..rooms)
        .map(|r| Room {
            capacity: [8, 10, 12, 15, 18, 20, 25, 30][r % 8],
            equipment: WORDS
                .iter()
                .enumerate()
                .filter(|&(k, _)| (r + k) % (k + 2) != 0)
                .map(|(_, w)| w.to_string())
                .collect(),
            free: (0..horizon).map(|t| t % 17 != 16 && rng.gen_bool(0.85)).collect(),
        })
        .collect();
    let weight: Vec<f64> =
        (0..n).map(|k| if k < n / 8 { 10.0 } else if k < n / 2 { 3.3 } else { 1.0 } * rng.gen_range(0.7..1.3)).collect();
    let mut interested = vec![Vec::new(); n];
    for person in 0..attendees {
        let mut picks: Vec<usize> = (0..n).collect();
        picks.shuffle(&mut rng);
        let chosen =
            picks.choose_multiple_weighted(&mut rng, 10, |&k| weight[k]).map(|v| v.copied().collect::<Vec<_>>());
        for k in chosen.unwrap_or_default() {
            interested[k].push(person);
        }
    }
    let sessions = interested
        .into_iter()
        .map(|mut int| {
            let essential: Vec<u64> = (0..rng.gen_range(1..=3)).map(|_| rng.gen_range(0..attendees)).collect();
            int.retain(|p| !essential.contains(p));
            Session {
                slots: [1, 2, 2, 2, 2, 3, 4][rng.gen_range(0..7)],
                needs: if rng.gen_bool(0.3) { vec![WORDS[rng.gen_range(0..3)].to_string()] } else { Vec::new() },
                essential,
                interested: int,
                placed: None,
                movable: false,
            }
        })
        .collect();
    let busy = (0..n as u64 / 3).map(|_| (rng.gen_range(0..attendees), rng.gen_range(0..horizon))).collect();
    Instance { horizon, rooms, sessions, busy }
}

#[test]
fn summit_beats_greedy() {
    let inst = summit(3, 40, 4, 2);
    let g = greedy(&inst);
    let p = plan(&inst, 1, BUDGET);
    check_plan(&inst, &p);
    assert_eq!(p.essential_clashes, 0);
    assert!(placed(&p) >= placed(&g));
    assert!(p.interested_clashes * 10 <= g.interested_clashes * 7, "plan {p:?}, greedy {g:?}");
}

#[test]
fn fixed_and_movable_sessions() {
    let room = Room { capacity: 10, equipment: vec!["projector".into()], free: vec![true; 4] };
    let s = |placed, movable, essential: Vec<u64>| Session {
        slots: 2,
        needs: Vec::new(),
        essential,
        interested: vec![9],
        placed,
        movable,
    };
    let inst = Instance {
        horizon: 4,
        rooms: vec![room],
        // The fixed one keeps slots 1-2: the movable one cannot stay on 0-1 and no 2-slot run is left.
        sessions: vec![s(Some((0, 1)), false, vec![1]), s(Some((0, 0)), true, vec![2]), s(None, false, vec![1])],
        busy: vec![(2, 3)],
    };
    let p = plan(&inst, 5, BUDGET);
    check_plan(&inst, &p);
    assert_eq!(p.placements[0], Some(Placement { room: 0, start: 1 }));
    assert_eq!(p.placements[1..], [None, None]);
    assert_eq!(p.reasons[1..], [Some(Unplaced::NoRoom), Some(Unplaced::NoRoom)]);
    let staying =
        Instance { sessions: vec![s(Some((0, 2)), true, vec![2]), s(None, true, vec![3])], busy: vec![], ..inst };
    let p = plan(&staying, 5, BUDGET);
    assert_eq!(p.placements, [Some(Placement { room: 0, start: 2 }), Some(Placement { room: 0, start: 0 })]);
    assert_eq!((p.interested_clashes, p.size_misfit), (0, 2 + 2));
}

#[test]
fn degenerate_instances() {
    let empty = Instance { horizon: 0, rooms: vec![], sessions: vec![], busy: vec![] };
    assert_eq!(plan(&empty, 1, BUDGET), Plan::default());
    assert_eq!(greedy(&empty), Plan::default());
    let session = |slots, placed, movable| Session {
        slots,
        needs: vec![],
        essential: vec![1, 1],
        interested: vec![1, 2, 2],
        placed,
        movable,
    };
    let no_room = Instance { horizon: 4, rooms: vec![], sessions: vec![session(1, None, false)], busy: vec![] };
    assert_eq!(plan(&no_room, 1, BUDGET).reasons, [Some(Unplaced::NoRoom)]);
    // A huge horizon and huge sessions: nothing may overflow or take long.
    let room = Room { capacity: 4, equipment: vec![], free: vec![true; 4] };
    let huge = Instance {
        horizon: u32::MAX,
        rooms: vec![room],
        sessions: vec![
            session(u32::MAX, Some((0, u32::MAX - 1)), false),
            session(3, Some((99, u32::MAX)), false),
            session(u32::MAX, None, true),
            session(0, Some((7, 1)), true),
        ],
        busy: vec![(1, u32::MAX), (2, 0)],
    };
    let p = plan(&huge, 1, BUDGET);
    let at = |room, start| Some(Placement { room, start });
    assert_eq!(p.placements, [at(0, u32::MAX - 1), at(99, u32::MAX), None, at(0, 0)]);
    assert_eq!(p.reasons, [None, None, Some(Unplaced::NoRoom), None]);
    // The fixed pair overlaps: person 1 is essential to both and busy in both; person 2 is interested in both.
    assert_eq!((p.essential_clashes, p.interested_clashes), (3, 1));
    assert_eq!(greedy(&huge).placements, p.placements);
}
