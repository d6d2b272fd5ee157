# This file is part of the food-aid platform.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Demo data of food_aid_planning: a season with the needs of three
organisations and of a beneficiary committee (two meetings, decisions carried
out), four producers' commitments and their weekly offers, the supply plan
with its gaps and a dozen activities.

Called by the demo loader with load(demo) on a configured proteus
connection (see demo_producer.py for what demo holds).
"""
import datetime as dt

from proteus import Model

# weeks of the demo season, from the Monday of the current week
SEASON_WEEKS = 12
# by quarter from December
SEASON_NAMES = [
    "Saison d'hiver", "Saison de printemps", "Saison d'été",
    "Saison d'automne"]

ACTIVITIES = [
    # (days from today, kind, name, hours, participants, women, children)
    (-40, 'cooking_workshop', "Atelier soupes d'hiver", 2.5, 10, 7, 0),
    (-33, 'awareness', "Manger de saison, manger local", 1.5, 18, 11, 4),
    (-27, 'farm_visit', "Visite de la ferme des Coteaux", 3, 14, 8, 5),
    (-21, 'cooking_workshop', "Cuisiner les légumes oubliés", 2.5, 9, 6, 0),
    (-18, 'producer_support', "Appui technique : maraîchage bio", 4, 3, 1, 0),
    (-14, 'cooking_workshop', "Atelier parents-enfants", 2, 12, 6, 6),
    (-10, 'awareness', "Le Nutri-Score expliqué", 1.5, 15, 10, 0),
    (-7, 'cooking_workshop', "Batch cooking à petit budget", 3, 8, 5, 0),
    (-3, 'farm_visit', "Visite du Jardin de Cocagne", 2.5, 20, 12, 8),
    (-1, 'other', "Repas partagé du comité", 2, 16, 9, 3),
    (5, 'cooking_workshop', "Atelier courges et potimarrons", 2.5, 10, 6, 0),
    (12, 'producer_support', "Planification des cultures {next_year}", 3, 4,
        2, 0),
    ]


def season(demo):
    monday = demo.today - dt.timedelta(days=demo.today.weekday())
    return monday, monday + dt.timedelta(days=7 * SEASON_WEEKS - 1)


def purchasable_products(demo):
    return [
        p for _, p in sorted(demo.products.items())
        if p.purchasable and p.type == 'goods']


def load_needs(demo, products, date_start, date_end):
    "The needs of three organisations, validated"
    Need = Model.get('food_aid.need')
    needs = []
    for rank, organisation in enumerate(demo.customers['food_aid'][:3]):
        need = Need(company=demo.company, party=organisation)
        need.date_start = date_start
        need.date_end = date_end
        for product in products[rank:rank + 4]:
            line = need.lines.new(product=product)
            line.weekly_quantity = 15 + 5 * rank
        line = need.lines.new(food_family='FRUITS_ET_LEGUMES')
        line.weekly_quantity = 40 + 10 * rank
        needs.append(need)
    Need.save(needs)
    Need.click(needs, 'validate_need')
    return needs


def load_committee(demo, products, date_start, date_end):
    """A committee of the people served, two meetings and the need they
    decided"""
    Committee = Model.get('food_aid.committee')
    Meeting = Model.get('food_aid.committee.meeting')
    Decision = Model.get('food_aid.committee.decision')
    Need = Model.get('food_aid.need')
    Party = Model.get('party.party')
    organisations = demo.customers['food_aid'][:2]

    committee = Committee(
        company=demo.company, name="Comité des personnes accueillies")
    for organisation in organisations:
        committee.organisations.append(Party(organisation.id))
    committee.save()

    first = Meeting(committee=committee)
    first.date = demo.today - dt.timedelta(days=35)
    first.participants, first.women, first.seniors = 11, 7, 2
    first.migrants, first.homeless = 3, 1
    first.topics = "Légumes de saison souhaités ; légumes peu appréciés"
    first.save()
    second = Meeting(committee=committee)
    second.date = demo.today - dt.timedelta(days=7)
    second.participants, second.women, second.children = 14, 8, 3
    second.seniors, second.disabled = 3, 1
    second.topics = "Bilan des paniers ; ateliers cuisine"
    second.save()

    need = Need(company=demo.company, source='beneficiary_committee')
    need.committee = committee
    need.party = organisations[0]
    need.date_start = date_start
    need.date_end = date_end
    for product in products[:2]:
        line = need.lines.new(product=product)
        line.weekly_quantity = 10
    need.save()
    need.click('validate_need')

    decisions = [
        Decision(meeting=first, kind='need', origin=need,
            description="Demander 10 kg de plus par semaine de "
            f"{products[0].template.name} et de {products[1].template.name}"),
        Decision(meeting=second, kind='product_asked', origin=products[2],
            description=f"Ajouter {products[2].template.name} aux paniers"),
        ]
    BOM = Model.get('production.bom')
    boms = BOM.find([], limit=1)
    if boms:
        decisions.append(Decision(meeting=second, kind='basket',
                origin=boms[0],
                description="Moins de pommes de terre dans le panier"))
    Decision.save(decisions)
    Decision.click(decisions, 'carry_out')
    return committee


def load_commitments(demo, products, date_start, date_end):
    "Four producers commit to a weekly quantity for the season"
    Commitment = Model.get('food_aid.producer.commitment')
    commitments = []
    for rank, producer in enumerate(demo.producers[:4]):
        commitment = Commitment(company=demo.company, producer=producer)
        commitment.date_start = date_start
        commitment.date_end = date_end
        commitment.product = products[rank]
        commitment.weekly_quantity = 20 + 5 * rank
        commitments.append(commitment)
    Commitment.save(commitments)
    Commitment.click(commitments, 'run')
    return commitments


def open_weekly_offers():
    "Run the scheduled task that opens the week's committed offers"
    Cron = Model.get('ir.cron')
    cron, = Cron.find([
            ('method', '=',
                'food_aid.producer.commitment|open_weekly_offers'),
            ])
    cron.click('run_once')


def load_supply_plan(demo, date_start, date_end):
    Plan = Model.get('food_aid.supply_plan')
    plan = Plan(company=demo.company, name=SEASON_NAMES[
            date_start.month % 12 // 3])
    plan.date_start = date_start
    plan.date_end = date_end
    plan.save()
    plan.click('compute')
    return plan


def load_activities(demo):
    "A dozen activities, those past held, the workshops on a grant"
    Activity = Model.get('food_aid.activity')
    Grant = Model.get('food_aid.grant')
    Party = Model.get('party.party')
    grants = Grant.find([('state', '=', 'running')], limit=1)
    activities = []
    for days, kind, name, hours, participants, women, children in (
            ACTIVITIES):
        activity = Activity(
            company=demo.company, kind=kind,
            name=name.format(next_year=demo.today.year + 1))
        activity.date = demo.today + dt.timedelta(days=days)
        activity.hours = hours
        activity.participants = participants
        activity.women = women
        activity.children = children
        if kind in {'farm_visit', 'producer_support'}:
            activity.parties.append(Party(demo.producers[0].id))
        else:
            activity.parties.append(Party(demo.customers['food_aid'][0].id))
        if grants and kind in {'cooking_workshop', 'awareness'}:
            activity.grant = grants[0]
        activities.append(activity)
    Activity.save(activities)
    Activity.click(
        [a for a in activities if a.date < demo.today], 'hold')
    return activities


def load(demo):
    date_start, date_end = season(demo)
    products = purchasable_products(demo)
    load_needs(demo, products, date_start, date_end)
    load_committee(demo, products, date_start, date_end)
    load_commitments(demo, products, date_start, date_end)
    open_weekly_offers()
    load_supply_plan(demo, date_start, date_end)
    load_activities(demo)
