"""Matching seekers and vacancies: a 0-100 score from weighted factors (skills,
position, education, location, salary), each with the reason a person reads."""
import re
from typing import Any

from haversine import haversine

from services.pencaker.domain.salary import monthly
from services.servicekit.contracts.pencaker import EDUCATION_RANK

# A newly published vacancy announces a match_found to each seeker scoring this or more.
THRESHOLD = 60
WEIGHTS = {"skills": 0.35, "position": 0.15, "education": 0.15, "location": 0.20, "salary": 0.15}
NEAR_KM, FAR_KM = 30, 150
Record = dict[str, Any]
Centroids = dict[str, dict[str, float]]  # region code -> {lat, long}


def distance_km(region_a: str, region_b: str, centroids: Centroids) -> float | None:
    a, b = centroids.get(region_a), centroids.get(region_b)
    if a is None or b is None:
        return None
    return haversine((a["lat"], a["long"]), (b["lat"], b["long"]))


def _words(text):
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _position_factor(seeker, vacancy):
    """How well the vacancy is the job the seeker wants: same KBJI unit group
    (first 4 digits), else the share of the desired title's words in its title."""
    desired = seeker.get("desired_position")
    if not desired:
        return 0.5, "no desired position given"
    wanted, kbji = desired["title"], desired.get("kbji")
    if kbji and vacancy.get("kbji"):
        if kbji[:4] == vacancy["kbji"][:4]:
            return 1.0, f"KBJI {vacancy['kbji']} is the desired position ({wanted})"
        if kbji[:2] == vacancy["kbji"][:2]:
            return 0.5, f"KBJI {vacancy['kbji']} is in the same group as the desired {kbji} ({wanted})"
    words = _words(wanted)
    shared = words & _words(vacancy["title"])
    if not words or not shared:
        return 0.0, f"'{vacancy['title']}' is not the desired position ({wanted})"
    share = len(shared) / len(words)
    return share, (f"'{vacancy['title']}' matches the desired position ({wanted})" if share == 1 else
                   f"'{vacancy['title']}' partly matches the desired position ({wanted})")


def _location_factor(seeker, vacancy, centroids):
    """1 in a location the seeker asked for; else by distance from their home region."""
    if vacancy["region"] in (seeker.get("desired_locations") or ()):
        return 1.0, f"in a desired location ({vacancy['region']})"
    km = distance_km(seeker["region"], vacancy["region"], centroids)
    elsewhere = "not a desired location; " if seeker.get("desired_locations") else ""
    if km is None:
        return 0.5, f"{elsewhere}distance between the regions unknown"
    near = min(1.0, max(0.0, (FAR_KM - km) / (FAR_KM - NEAR_KM)))
    commutable = " (commutable)" if km <= NEAR_KM else ""
    return near, f"{elsewhere}about {round(km)} km from home region{commutable}"


def match(seeker: Record, vacancy: Record, centroids: Centroids) -> dict[str, Any]:
    """Score 0-100 of `seeker` for `vacancy`, with a reason per factor."""
    factors = {}
    required = vacancy["skills"]
    if required:
        have = [s for s in required if s in seeker["skills"]]
        missing = [s for s in required if s not in seeker["skills"]]
        factors["skills"] = (len(have) / len(required),
                             f"{len(have)} of {len(required)} required skills"
                             + (f" ({', '.join(have)})" if have else "")
                             + (f"; missing {', '.join(missing)}" if missing else ""))
    else:
        factors["skills"] = (1.0, "no particular skills required")
    factors["position"] = _position_factor(seeker, vacancy)
    level, needed = seeker["education"]["level"], vacancy["education"]
    gap = EDUCATION_RANK[needed] - EDUCATION_RANK[level]
    factors["education"] = (
        (1.0, f"{level.upper()} meets the required {needed.upper()}") if gap <= 0 else
        (0.4, f"{level.upper()} is one level below the required {needed.upper()}") if gap == 1 else
        (0.0, f"{level.upper()} is well below the required {needed.upper()}"))
    factors["location"] = _location_factor(seeker, vacancy, centroids)
    expected, offered = seeker.get("expected_salary"), monthly(vacancy["salary"])
    if not expected:
        factors["salary"] = (1.0, "no salary expectation given")
    elif offered >= expected:
        factors["salary"] = (1.0, f"pays up to Rp {offered:,}/month, meets the expected Rp {expected:,}")
    else:
        short = (expected - offered) / expected
        factors["salary"] = (max(0.0, 1 - 2 * short),
                             f"pays up to Rp {offered:,}/month, {round(100 * short)}% below "
                             f"the expected Rp {expected:,}")
    score = round(100 * sum(WEIGHTS[name] * value for name, (value, _) in factors.items()))
    return {"score": score,
            "factors": {name: {"score": round(value, 3), "weight": WEIGHTS[name], "reason": reason}
                        for name, (value, reason) in factors.items()}}


def rank(pairs: list[tuple[Record, Record]], centroids: Centroids,
         limit: int) -> list[tuple[dict[str, Any], Record, Record]]:
    """[(seeker, vacancy)] -> the best `limit` matches, highest score first."""
    scored = [(match(s, v, centroids), s, v) for s, v in pairs]
    scored.sort(key=lambda item: item[0]["score"], reverse=True)
    return scored[:limit]
