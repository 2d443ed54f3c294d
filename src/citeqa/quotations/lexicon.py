"""Word lists the quotation rules read: verbs of saying, honorifics, roles, and the heads of noun phrases.

Lists, not a model: each entry was chosen because news text uses it that way, and each is small enough to
read. Everything is lower case.
"""

from __future__ import annotations


def _forms(*bases: str) -> frozenset[str]:
    """Every inflection given as "say says said saying" groups, flattened."""
    return frozenset(word for base in bases for word in base.split())


# Verbs that report what someone said; the clause after them (after "that", if any) is what they said.
SAY = _forms(
    "say says said saying",
    "add adds added adding",
    "warn warns warned warning",
    "argue argues argued arguing",
    "claim claims claimed claiming",
    "insist insists insisted insisting",
    "admit admits admitted admitting",
    "stress stresses stressed stressing",
    "confirm confirms confirmed confirming",
    "reveal reveals revealed revealing",
    "predict predicts predicted predicting",
    "estimate estimates estimated estimating",
    "reply replies replied replying",
    "explain explains explained explaining",
    "suggest suggests suggested suggesting",
    "state states stated stating",
    "declare declares declared declaring",
    "maintain maintains maintained maintaining",
    "contend contends contended contending",
    "allege alleges alleged alleging",
    "believe believes believed",
    "think thinks thought",
    "reckon reckons reckoned",
    "assert asserts asserted asserting",
    "forecast forecasts forecasting",
    "calculate calculates calculated",
)
# Verbs that report speech only with "that" after them ("noted that …", not "noted the change").
SAY_THAT = _forms(
    "accept accepts accepted accepting",
    "acknowledge acknowledges acknowledged acknowledging",
    "concede concedes conceded conceding",
    "agree agrees agreed agreeing",
    "note notes noted noting",
    "recall recalls recalled recalling",
    "report reports reported",
    "write writes wrote writing",
    "indicate indicates indicated indicating",
    "promise promises promised promising",
    "pledge pledges pledged pledging",
    "vow vows vowed vowing",
    "emphasise emphasises emphasised emphasising emphasize emphasizes emphasized",
    "complain complains complained complaining",
    "hint hints hinted hinting",
    "remind reminds reminded",
    "recommend recommends recommended recommending",
)
# Verbs whose content follows a hearer: "told the BBC (that) …".
TELL = _forms("tell tells told telling")
# What a report, study, court or inspection states.
FIND = _forms("find finds found finding", "conclude concludes concluded concluding")
# Demands: the object is what was asked for.
URGE = _forms("urge urges urged urging", "tip tips tipped")
ACCUSE = _forms("accuse accuses accused accusing")
# Negated or denied statements: the quote keeps the negation (a slice after it would misquote).
DENY = _forms("deny denies denied denying", "reject rejects rejected rejecting")
# Verbs that attribute a quotation beside them but report no clause of their own.
QUOTE_ONLY = _forms(
    "ask asks asked asking",
    "continue continues continued continuing",
    "counter counters countered",
    "respond responds responded",
    "answer answers answered",
    "joke jokes joked",
    "quip quips quipped",
    "boast boasts boasted",
    "laugh laughs laughed",
    "recount recounts recounted",
    "reiterate reiterates reiterated",
    "repeat repeats repeated",
    "caution cautions cautioned",
    "comment comments commented",
    "remark remarks remarked",
    "observe observes observed",
    "protest protests protested",
    "exclaim exclaims exclaimed",
    "concur concurs concurred",
    "urge urges urged",
    "add adds added",
    "shout shouts shouted",
    "plead pleads pleaded",
    "conclude concludes concluded",
    "quote quotes quoted",
    "write writes wrote",
)
# Words that call a quoted phrase someone's words: "called the plans "dangerous"".
NAMING = _forms(
    "call calls called calling",
    "describe describes described describing",
    "brand brands branded branding",
    "dub dubs dubbed dubbing",
    "label labels labelled labelling",
    "term terms termed",
    "express expresses expressed expressing",
    "voice voices voiced",
    "accuse accuses accused accusing",
    "condemn condemns condemned",
    "hail hails hailed",
    "praise praises praised",
    "welcome welcomes welcomed",
    "criticise criticises criticised criticize criticizes criticized",
    "attack attacks attacked",
    "dismiss dismisses dismissed",
    "blame blames blamed blaming",
    "slam slams slammed",
    "lambast lambasts lambasted lambaste lambastes",
)
# Verbs that may come before their subject after a quotation: ""…," said Mr Williams".
INVERTIBLE = _forms(
    "say says said",
    "add adds added",
    "ask asks asked",
    "continue continues continued",
    "explain explains explained",
    "reply replies replied",
    "insist insists insisted",
    "warn warns warned",
    "admit admits admitted",
    "argue argues argued",
    "claim claims claimed",
    "stress stresses stressed",
    "write writes wrote",
    "declare declares declared",
    "counter counters countered",
    "recall recalls recalled",
    "suggest suggests suggested",
    "note notes noted",
    "conclude concludes concluded",
    "state states stated",
    "confirm confirms confirmed",
    "predict predicts predicted",
    "agree agrees agreed",
    "joke jokes joked",
    "comment comments commented",
    "remark remarks remarked",
    "observe observes observed",
    "quip quips quipped",
    "laugh laughs laughed",
    "acknowledge acknowledges acknowledged",
    "concede concedes conceded",
    "boast boasts boasted",
    "caution cautions cautioned",
    "reveal reveals revealed",
    "warn warns warned",
    "estimate estimates estimated",
    "maintain maintains maintained",
    "respond responds responded",
)
ATTRIBUTING = SAY | SAY_THAT | TELL | QUOTE_ONLY | FIND | URGE | DENY

AUXILIARIES = frozenset(
    "has have had is was will would could can may might should must did does do also then later "
    "previously repeatedly again already subsequently earlier now recently once still further himself "
    "herself themselves itself today yesterday last week month year on monday tuesday wednesday thursday "
    "friday saturday sunday".split()
)
PASSIVE = frozenset("is are was were be been being".split())

HONORIFICS = frozenset(
    "mr mrs ms miss dr sir dame lord lady prof professor baroness baron rev reverend cardinal".split()
)
MALE = frozenset("mr sir lord baron".split())
FEMALE = frozenset("mrs ms miss dame lady baroness".split())
PARTICLES = frozenset("de van von der den dal da di du le la del della bin al el ter ten &".split())
NAME_SUFFIXES = frozenset("qc mp mep jr sr jnr snr ii iii".split())

# Words of a title or office standing before a name ("Chief Constable", "deputy planning director").
ROLE_WORDS = frozenset(
    """chief executive president vice director minister secretary chairman chairwoman chair leader
    commissioner inspector constable officer manager mep mp judge governor mayor chancellor spokesman
    spokeswoman spokesperson head boss coach founder owner editor analyst economist professor captain
    prime home foreign shadow deputy general attorney senator ambassador archbishop bishop premier king
    queen prince princess chairperson treasurer adviser advisor consultant partner member lawyer
    solicitor barrister counsel correspondent reporter presenter producer writer author star actor
    actress singer player striker midfielder defender goalkeeper keeper winger forward captain skipper
    champion manager trainer agent researcher scientist expert official controller principal dean
    administrator superintendent detective sergeant commander colonel major lieutenant admiral marshal
    emperor president-elect co-founder co-chairman vice-president vice-chairman ceo cfo coo md
    representative envoy delegate campaigner activist organiser organizer curator designer developer
    engineer architect strategist pollster psychologist doctor surgeon nurse teacher headteacher
    historian critic columnist novelist poet director-general secretary-general commissioner-general
    spokesmen officials executives co-star co-founder co-owner""".split()
)
# Role words that also start names often enough to be taken as part of the name ("Lord", handled apart).
# Heads of noun phrases that name a document: what it "found" or "said" is reported.
DOCUMENTS = frozenset(
    """report study survey research review inquiry investigation poll paper letter statement memo
    minutes newsletter document analysis audit findings ruling judgment judgement lawsuit complaint
    submission assessment probe handbook white-paper briefing dossier memorandum filing petition
    manifesto bulletin blog message note advert advertisement leaflet website suit""".split()
)
# Documents of one inquiry: "the assessment" after "the report" is that report.
REPORT_FAMILY = frozenset("report study survey research review inquiry investigation assessment probe findings".split())
# Singular heads naming an organisation; "the company" stands for one named earlier.
ORG_HEADS = frozenset(
    """company firm group bank carrier airline retailer giant maker operator chain business
    corporation conglomerate manufacturer broadcaster network channel station newspaper paper magazine
    website site publisher studio label club team side party union association agency organisation
    organization charity body watchdog regulator exchange council authority department ministry
    government administration commission committee board service trust institute university school
    court tribunal panel league federation lobby campaign industry daily weekly body""".split()
)
# Organisations a bare "the company" stands in for (but "the government" names itself).
ORG_STAND_IN = frozenset(
    """company firm group bank carrier airline retailer giant maker operator chain business corporation
    conglomerate manufacturer broadcaster network channel station newspaper paper magazine website site
    publisher studio label club side team party""".split()
)
# Offices that are also surnames: "Mervyn King" is a name, "the King" an office.
SURNAME_ROLES = frozenset("king bishop judge marshal major dean chancellor sheriff steward prince".split())
SPOKES = frozenset("spokesman spokeswoman spokesperson official representative aide".split())
# Descriptions that stand for the person an article is about ("the actor", "the American", "the striker").
PROTAGONIST_HEADS = frozenset(
    """actor actress singer star player striker midfielder defender winger goalkeeper keeper forward
    athlete sprinter runner champion holder winner rapper musician writer author novelist comedian
    presenter veteran youngster teenager boxer golfer rider driver cyclist swimmer skater skier
    frontman director film-maker filmmaker model designer fly-half scrum-half full-back flanker hooker
    centre-back wing wicketkeeper all-rounder batsman bowler""".split()
)
# Heads naming one person by description ("the actor", "the former minister").
PERSON_HEADS = (
    ROLE_WORDS
    | PROTAGONIST_HEADS
    | frozenset(
        """man woman boy girl father mother son daughter wife husband brother sister friend colleague
        assistant guitarist drummer host tycoon entrepreneur billionaire millionaire magnate businessman
        businesswoman investor lawmaker candidate hopeful boss chief american briton brazilian frenchman
        spaniard scot welshman irishman australian german italian canadian dutchman swede russian nigerian
        argentine chilean kenyan""".split()
    )
)
# Words that mark a run of capitalised words as an organisation, not a person.
ORG_CUES = frozenset(
    """association council commission office committee party corporation corp group bank ltd plc inc
    department ministry agency authority service services board union federation institute institution
    university college school court exchange network alliance trust foundation society organisation
    organization club fc united city rovers athletic county police inspectorate government parliament
    congress senate assembly cabinet treasury bureau centre center league forum fund commission
    company companies motors airlines airways holdings industries international news times post
    guardian telegraph independent mail express mirror sun herald journal tribune magazine radio tv
    television studios records entertainment pictures games software systems technologies labs
    research foundation unit reserve executive directorate watchdog panel tribunal""".split()
)
# Plural heads of groups that speak as one: taken as named ("Analysts said").
GROUP_HEADS = frozenset(
    """analysts critics experts economists lawyers prosecutors officials ministers organisers organizers
    supporters opponents campaigners researchers scientists inspectors watchdogs charities companies
    firms unions police residents fans observers sources insiders investors traders dealers brokers
    bosses executives managers leaders doctors teachers parents students voters members protesters
    activists workers staff academics observers commentators commissioners regulators judges
    detectives officers directors authorities groups makers developers publishers retailers banks
    governments states countries nations parties conservatives tories democrats republicans
    liberals socialists greens spokesmen representatives organisations bodies industry
    economists strategists pollsters respondents people""".split()
)
# Subjects that say nothing about who spoke: "reports said", "sources suggest" stay unattributed.
NO_SOURCE = frozenset("reports rumours rumour speculation media press sources".split())
# Heads of what shows rather than says: "figures suggest" is not reported speech.
EVIDENCE = frozenset(
    "figures statistics data numbers results sales prices shares trends polls evidence estimate estimates projection "
    "projections years months weeks days hours minutes decades".split()
)
# Verbs of saying that are also nouns: taken as verbs only after a subject ("Critics claim", "it reports").
NOUN_VERBS = frozenset(
    """report reports claim claims estimate estimates forecast forecasts note notes promise promises answer
    answers comment comments quote quotes repeat repeats protest protests reply replies state states
    statement warning warnings finding findings concern concerns""".split()
)

PRONOUNS = frozenset("he she they it we".split())
# Words that cannot be part of a subject noun phrase: verbs, conjunctions, relatives.
NOT_IN_NP = frozenset(
    """is are was were be been being has have had will would could can may might should must do does did
    not no to that which who whom whose when where while if because although though as than then there
    this these those it he she they we i you him her them us me my your our
    said says told tells added warned claimed""".split()
)
# Words that open an adverbial phrase before the subject ("In a statement, …", "Speaking in Harrogate").
PREFIX_WORDS = frozenset(
    """in on at for after before during despite since with without under over from by following
    speaking asked responding writing looking unveiling addressing commenting earlier later however
    but and meanwhile yet so now still also instead separately elsewhere last this next yesterday
    today recently previously initially indeed overall similarly likewise nevertheless then once
    when while although though as if because according among amid within across throughout ahead
    back outside inside talking interviewed launching presenting explaining defending reacting
    replying giving opening closing having being""".split()
)
CONJUNCTIONS = frozenset("but and however yet so also meanwhile now still instead or".split())


# Words the phrase reader (names.py) tells apart.
TIME_WORDS = frozenset("yesterday today earlier later meanwhile recently previously".split())
TIME_UNITS = frozenset("week month year weekend night morning season summer winter spring autumn".split())
NOT_NAME = frozenset(
    """the a an this that these those its his her their our other others some many most all both several
    few such each every any no another more what who how why when where i i'd i'm i've i'll we we'd we're
    we've you it's""".split()
)
ING_NOUNS = frozenset(
    """king thing spring evening morning building meeting ring wing string hearing briefing leading ruling
    governing opposing competing remaining existing rising growing outgoing incoming founding managing
    sitting serving reigning defending visiting neighbouring surrounding working""".split()
)
ADVERBS = frozenset("even also only still just already now then too again ever never often".split())
CONNECTORS = frozenset("of for and the on in & de du des".split())
SUBORDINATORS = frozenset("despite after before during although because since while whereas unless until".split())
DETERMINERS = frozenset("the a an his her its their this that these those".split())
ADJECTIVES_ED = frozenset("aged based called named united advanced detailed experienced qualified".split())
IRREGULAR_PAST = frozenset(
    """gave took made went came got began held left led won lost met ran saw set put kept brought bought felt
    became sent spent built paid sold stood struck fell rose grew knew drew wrote spoke chose broke hit cut
    quit sat fought caught taught meant heard beat bet bid let shut split spread told said""".split()
)
CATAPHORIC = (
    (ROLE_WORDS | PERSON_HEADS | frozenset("figure committee mp mep".split()))
    - SPOKES
    - frozenset("critic source insider expert analyst analysts economist observer".split())
)
NOUN_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent", "man", "woman", "ee", "eer", "ive", "al", "ary", "ic")
