"""The forms of conversational sentences: greetings, thanks, empathy, offers, exclamations,
sign-offs and small talk (used by :mod:`service.guardrails.claims`, which decides when such a
sentence needs no support)."""

from __future__ import annotations

import re

COMMITMENT_WORD = re.compile(
    r"\b(?:refund|reimburs|replac|credit|compensat|voucher|gift card|discount|free|waiv|approv|guarantee|promise|"
    r"exception|extend|upgrade|cancel|remove|reinstate|send you|ship you|give you(?! (?:an? |the )?(?:quick |short |brief )?(?:overview|summary|rundown)| (?:a |an )?(?:different|better|other|another) (?:answer|reply|news))|owe|money back|pay you back|price[- ]?match"
    r"|match(?:es|ed|ing)?\s+(?:[\w']+\s+){0,3}(?:prices?|offers?|deals?)\b"
    # round 18f: money said to come back ("... and you'll get the difference back", "the balance goes back on your card")
    r"|(?:difference|balance|remainder|overpayment)\s+(?:[\w']+\s+){0,3}?back\b)", re.I)
_FEELING = (r"frustrating|annoying|awkward|upsetting|stressful|disappointing|confusing|inconvenient|worrying|understandable|"
            r"a (?:real )?(?:pain|hassle|nuisance|bummer|shame)|no fun|not (?:ideal|great|fun)|rough|tough")
_GOOD_NEWS = r"exciting|lovely|wonderful|amazing|fantastic|brilliant|sweet|thoughtful|kind of you|great to hear|good to hear|lovely to hear|great news|good news"
_HOPE = r"(?:i |we )?(?:really |do |truly |sincerely )?(?:hope|hopefully),? (?:that )?(?:you|your|the|this|that|it|they|he|she|everything|things)\b"
"""A wish for the customer ("I hope your dad has a wonderful birthday", "Hopefully the boots keep
you warm"): a fact or a commitment word ("I hope you get your refund") still makes it a claim."""
_REASSURANCE = (r"(?:(?:it|that|this) )?(?:(?:can|could|really|honestly|totally) )?happens?(?: to (?:the best of us|everyone|everybody|anyone|anybody|all of us|us all))?|these things happen|(?:(?:it'?s|that'?s) )?(?:an )?"
                r"(?:easy|common|understandable) (?:mistake|slip)(?: to make)?|no harm done|you'?re (?:not alone|in good company)|"
                r"we'?ve all been there|(?:please )?don'?t worry(?: about (?:it|that))?|no need to (?:worry|apologi[sz]e)|not a problem|"
                r"(?:mistakes|accidents|mix-ups|slip-ups|these things|things like (?:this|that)|it) happen|easy fix|"
                r"you'?re (?:definitely |certainly )?(?:not the (?:first|only one)|in good company|not alone)|"
                # "That's alright, Lorenzo.", "That's totally fine!": said of what the customer told us, ending there
                r"that'?s (?:totally |completely |perfectly |quite |absolutely |really )?(?:alright|all right|okay|ok|fine|understandable)(?=\s*(?:[,!.;—–-]|$))")
_CHECKING = (r"(?:check|ask|double-check|query|question|verify|flag|report|mention|raise|be (?:careful|cautious|wary|suspicious)|"
             r"reach(?:ing)? out|get(?:ting)? in touch|contact(?:ing)? us|messag(?:e|ing) us|let(?:ting)? us know|look(?:ing)? into it|"
             r"checking|asking|double-checking|querying|questioning|verifying|flagging|reporting|mentioning|raising)(?: (?:it|this|that|first|with us|before)\b)?")
_PLAIN_TAIL = r"(?:\s+[\w'-]+){0,4}[!.]*"
"""A few more words with no clause of their own ("... to check it first!"): ", that email was a scam" is a claim."""
"""What a customer did that a reply may praise ("Good instinct to check"): asking, never an action on their order."""
_GET_STARTED = (r"get (?:you|things) (?:started|going|rolling)(?: on (?:it|that|this|(?:the|your) return(?: process)?|the process))?(?![ ,]*(?:with|on|by|for)\b)"
                r"|get the ball rolling|(?:walk|talk|guide|take) you through (?:it|that|this|the (?:next )?steps|the process|the rest|what to do|how it works)"
                r"|point you in the right direction|show you (?:how|what to do)")
"""Round 17e: a start offered after an invitation, no outcome named ("Send us a DM and we'll get you started.", "Give us a call
and we'll walk you through it."): the next step of the conversation; "we'll get you started on a new pair" names an outcome."""
_OWN_ACT = (r"\b(?:we|i)(?:'ll| will| can| could|'d| would|'re going to| are going to|'m going to| am going to)\s+(?:then |just |also |gladly |happily )?"
            r"(?!(?:(?:be )?(?:happy|glad) to )?(?:help|look into|(?:take|have) (?:a|another) (?:closer |quick |proper |second |fresh )?look|look (?:again|at it)|check|get back to you|be (?:back )?in touch|"
            r"sort (?:it|this|that|things) out|take it from there|set (?:it|that|this|things) up|take care of (?:it|that|this|things|the rest)|handle (?:it|that|this|the rest)|get (?:it|that|this|things) (?:started|going|moving)|get (?:it|this|that|you|things) sorted(?![ ,]*(?:with|by)\b(?! (?:you|us)\b))|follow up|see what|do (?:our|my) best|dig into|investigate|" + _GET_STARTED + r")\b)")
"""Round 16c: what the agent says it will do after an invitation ("Message us and we'll reship it straight away."):
only a look or help is conversational there; any other act is a claim checked like one."""
_ID = r"(?:your |the )?(?:order (?:id|number)|account (?:id|email)|username|e-?mail(?: address)?|full name|name)"
_NO_OBJECT = (r"(?!\s+(?:with\s+|(?:us\s+)?(?=your\b))(?!(?:(?:any|other|further|more)\b|questions?\b|concerns?\b|th(?:o|e)se\b|them\b|it\b|that\b|"
              r"(?:your |the |some |a |an )?(?:photos?|pictures?)\b|" + _ID + r"(?:(?:,| and| or) " + _ID + r")*\b(?!(?:,| and| or),? (?:your|the|a|an|any)\b))))")
"""Round 16c: an invitation that names what to send ("Message us with your mother's maiden name", "Reply with your date of
birth") is a request whose object is checked like a claim; "Message us with any questions", "Reply with those details", "Reply
with your order ID" (the identity details every source asks for) are not."""
CONVERSATIONAL = re.compile(
    r"^(?:(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b.{0,40}"
    r"|(?:many )?thanks?(?: you)?\b.{0,80}|thank you\b.{0,80}"
    r"|(?:(?:oh|ah),? )?(?:i'?m|i am|we'?re|we are) (?:so |very |really |truly )?(?:sorry|happy|glad|here)\b.{0,80}"
    r"|(?:so |very |really )?sorry\b.{0,80}"
    r"|i (?:completely |totally |really |fully |absolutely |definitely )?(?:understand|know|see|get (?:it|that|why|how|what|the|[a-z]+ing)|hear you|appreciate)\b.{0,80}"
    r"|(?:i can (?:only )?|i )?(?:imagine|understand) (?:how|that|why)\b.{0,80}"
    r"|(?:that'?s|that is|this is|it'?s|what) (?:so |really |very |completely |totally |such )?(?:" + _FEELING + r")\b.{0,40}"
    r"|(?:(?:that'?s|that is|it'?s) )?(?:(?:a|an|such a) )?(?:totally |completely |really |very |perfectly |entirely |super )?"
    r"(?:fair|good|great|reasonable|valid|smart|excellent|understandable) (?:question|point|concern|ask|thing to ask)\b.{0,20}"
    r"|(?:of course|no problem|no worries|sure|certainly|absolutely|yes)\b.{0,30}"
    r"|let'?s (?:get (?:that|this|it|you|things) (?:sorted|fixed|started|going|moving|taken care of|sorted out)|take a look|have a look|"
    r"figure (?:this|it|that) out|see what (?:i|we) can do|sort (?:this|it|that) out)\b.{0,30}"
    r"|(?:kind|best|warm) regards\b.*|regards\b.*|sincerely\b.*|(?:best|warm|warmest|kind|kindest|all (?:good|the best)|many|with (?:best|warm|kind)) wishes\b.*"
    r"|with (?:thanks|gratitude)\b.*|yours (?:truly|sincerely)\b.*"
    r"|(?:is there )?anything else (?:i|we) can (?:help|do)\b.*|(?:can|may) i help (?:you )?with anything else\b.*"
    r"|(?:i'?d be |i'?m |we'?re |i'?ll be )?(?:happy|glad) to (?:help|look into|check)\b.{0,60}"
    r"|(?:i|we) can (?:certainly |definitely |absolutely |of course |happily |gladly )?help(?: you)?(?: with (?:that|this))?\b.{0,40}"
    # an offer to explain, nothing explained yet: "Happy to explain, Amara.", "Glad to clarify how it works!"
    r"|(?:i'?d be |i'?m |we'?re )?(?:happy|glad|pleased) to (?:explain|clarify|walk you through|give you (?:an?|the) (?:quick |short |brief )?(?:overview|summary|rundown))(?: (?:it|this|that|how (?:it|this|that) works|the (?:difference|differences|statuses|levels|options|steps)))?[.!:]*"
    # why a question was asked: "That helps the report.", "It'd really help us." (said of the customer's details)
    r"|(?:that|this|it)(?:'d|'ll| would| will)? (?:really |also )?help(?:s)?(?: (?:me|us|a lot|the (?:report|team|search)|our (?:team|report|search)))?(?: a lot)?[.!]*"
    r"|have a (?:great|good|nice|lovely) (?:day|evening|weekend)\b.{0,20}"
    r"|let me (?:check|look into)(?: (?:that|this))?(?: for you)?\b.{0,20}"
    r"|thanks for (?:your patience|bearing with us|waiting)\b.{0,40}"
    r"|(?:please )?(?:just |simply )?(?:reply|let me know|tell me|send me)\b" + _NO_OBJECT + r"(?:(?!" + _OWN_ACT + r").){0,60}|for reference\b.{0,10}"
    r"|(?:i'?ll|i will|we'?ll) (?:take care of it|get (?:that|this) sorted|be here)\b.{0,40}"
    # the agent's own look-up, nothing found or granted yet: "We'll take a look at your account.", "I'll review your account now."
    r"|(?:(?:so|then|first),? )?(?:i'?ll|i will|we'?ll|we will|let me|let us|i'?m going to|we'?re going to) (?:now |just |quickly |first )?"
    r"(?:take a (?:quick |closer |proper )?look at|have a (?:quick |closer )?look at|look (?:at|into)|review|check|go through|pull up|look up) "
    r"(?:your|the) (?:account|order|bill|subscription|records?|details)(?: (?:now|for you|right away|first|straight away))?[.!]*"
    # a promise to come back, with no outcome: "I'll be back in touch with the answer shortly."
    r"|(?:i'?ll|i will|we'?ll|we will) (?:be back in touch|get back to you|come back to you|follow up|be in touch)"
    r"(?: with (?:the|an|your) (?:answer|update|details|result))?(?: (?:shortly|soon|as soon as (?:i|we) can))?[.!]*"
    # eleventh round (fix-11a): the agent's own next step, its timing and what it found, no outcome named: "I'll be in touch
    # shortly with what I find.", "I'll confirm what I find as soon as I've checked." ("I'll refund it shortly" is a claim)
    r"|(?:i'?ll|i will|we'?ll|we will) (?:be (?:back )?in touch|get back to you|follow up|report back|let you know|confirm|update you)"
    r"(?: (?:shortly|soon))?(?: (?:with|on) what (?:i|we) find| what (?:i|we) find)?"
    # thirteenth round (fix-13b): "I'll let you know what I find in just a moment." (the agent's own reply, no day)
    r"(?: (?:shortly|soon|in (?:just |only )?a (?:moment|minute|sec(?:ond)?|bit|little while)|as soon as (?:i'?ve|i have|we'?ve|we have|i|we) (?:can|checked|looked(?: into it)?|heard back|found out)))?[.!]*"
    # a thing already named sent over, its timing with no day: "I'll send it over shortly." ("I'll send it over today" states a day)
    r"|(?:i'?ll|i will|we'?ll|we will) send (?:it|that|this|them) (?:over|through|across)(?: to you)?(?: (?:shortly|soon|in a moment|in a few minutes))?[.!]*"
    # the step the details asked for wait on: "As soon as I have those I'll get it started and let you know."
    r"|(?:as soon as|once|when) (?:i|we) (?:have|get|receive) (?:those|them|these|that|it|the details|your details),? (?:i'?ll|we'?ll) "
    r"get (?:it|that|this|things) (?:started|going|moving)(?: and let you know)?[.!]*"
    # why a detail was asked: "That helps me match it up quickly."
    r"|(?:that|this|it)(?:'ll| will| would|'d)? (?:really |also )?(?:helps?|lets?|allows?) (?:me|us) (?:to )?(?:match|find|locate|trace|identify|check|spot) "
    r"(?:it|this|that|them|things|the (?:charge|order|payment|account))(?: up| down)?(?: (?:quickly|faster|more quickly|straight away))?[.!]*"
    # a read recommended, nothing said of what it holds: "it's worth a quick read once you're back in."
    r"|(?:(?:it'?s|it is|they'?re|which is) (?:well )?worth )?a (?:quick |good )?(?:read|look)(?: (?:once|when|after) you'?re (?:back in|logged in|in))?[.!]*"
    # exclamations: "What a lovely idea!", "Great news!", "Congratulations on the move!", "Oh no!"
    r"|(?:what an?|how) (?:[\w'-]+ ){0,5}[\w'-]+(?:!+|\.)|(?:great|good|excellent|lovely|wonderful|nice|fair|perfect) (?:news|questions?|idea|choice|pick|call|timing)[!.]*"
    # good news announced, what it is left to the next sentence: "Good news on that front.", "Some good news there!"
    r"|(?:some |more )?(?:great|good|excellent|happy|lovely|welcome) news(?: (?:on|about|for|with|regarding) (?:that|this|the|your) "
    r"(?:front|one|score|question|count|side|point)| (?:there|here|then|too|for you))[!.]*"
    r"|congratulations\b.{0,50}|(?:oh no|oh dear|ouch|yikes|uh-oh)\b.{0,40}|(?:we'?d|i'?d) (?:love|be glad|be happy) to\b.{0,50}!"
    # good wishes: "Enjoy the new jacket!", "Enjoy your trip,", "Good luck with the move!", "Happy shopping!"
    r"|(?:enjoy|have fun|good luck|best of luck|safe travels|stay (?:warm|safe|dry|cosy|cozy)|congrats|"
    r"happy (?:early |belated )?(?:shopping|holidays|birthday|anniversary|new year|travels|wearing|hiking|running))\b.{0,40}"
        # list lead-ins: "Here are a few things to try:"
    r"|here(?: are|'s| is) (?:a (?:few|couple(?: of)?)|some|what|the|how)\b.{0,60}:|here'?s what (?:i found|i can see|to do|you need)[.:]|(?:try|follow) (?:these|the following)\b.{0,40}:"
    # a summary announced: "Here's the short version, Amara.", "Let me walk you through it."
    r"|(?:so,? |ok(?:ay)?,? )?here(?:'s| is) (?:the |a )?(?:short|quick|brief|simple|basic|full|whole) (?:version|answer|summary|rundown|overview|run-?through|picture)"
    r"(?: of (?:it|how (?:it|this|that) works))?[.!:]?|here(?:'s| is) how (?:it|this|that) works[.!:]?"
    r"|let me (?:walk|take|talk) you through (?:it|this|that|how (?:it|this|that) works)[.!:]?|let me explain(?: how (?:it|this|that) works)?[.!:]?"
    r"|(?:a few|some) (?:of the )?(?:main |key |big )?(?:things|steps|tips|options|differences)\b.{0,40}:"
    # a stage or case that a list sets out: "At this stage:", "In that case:", "For now:" (the items are checked on their own)
    r"|(?:(?:at|by|from|after|before|until|up to|in) (?:this|that|which) (?:stage|point|step|moment|time)|in (?:that|this|which) case|"
    r"for now|right now|at the moment|at present|from here(?: on)?|from now on|so far|as (?:it|things) stands?)\s*:|let'?s (?:try|go through|look at) (?:a (?:few|couple(?: of)?)|some) (?:things|steps|fixes|options)\b[.:]?"
    # sign-offs: "Best,", "Cheers, Northwind Support"
    r"|(?:best|cheers|all the best|take care|warmly|talk soon)(?:[,!.].{0,50})?"
    # tenth round (fix-10c): a move to private messages, with a plain offer of help after it: "DM us and we'll sort it out.",
    # "Please send them by DM rather than posting them here." ("DM us and we'll send it over" is a claim)
    r"|(?:please |just |feel free to )?(?:dm|pm|message) (?:us|me)(?:,? (?:and|so) (?:we|i)(?:'ll| will| can) (?:help|sort (?:it|this|that)(?: out)?|"
    r"take (?:it )?from there|take a look|look into it|get (?:it|this|that|you) sorted|" + _GET_STARTED + r"))?(?: from there| right away| straight away)?[.!]*"
    r"|(?:please |just )?send (?:them|it|those|these|those details|these details|your details) (?:by|via|over|in a) (?:dm|direct message|private message)"
    r"(?: rather than (?:posting|sharing|putting) (?:them|it) (?:here|publicly|in public|in the comments))?(?:,? and (?:we|i)(?:'ll| will) take it from there)?[.!]*"
    # eleventh round (fix-11a): "Please DM us rather than posting personal info here and we'll take it from there."
    r"|(?:please |just )?(?:dm|pm|message) (?:us|me) rather than (?:posting|sharing|putting) (?:them|it|those|these|(?:your |any )?(?:personal )?(?:info|information|details))"
    r" (?:here|publicly|in public|in the comments)(?:,? and (?:we|i)(?:'ll| will) take it from there)?[.!]*"
    # seeing why the customer feels it: "I can see why that's alarming." (nothing after the feeling)
    r"|i can (?:see|understand|imagine) (?:why|how) (?:that|this|it)(?:'s| is| was| would be| must be| might be) (?:so |really |very |a bit |quite )?"
    r"(?:" + _FEELING + r"|alarming|worrying|concerning|scary|unsettling|surprising|a (?:shock|worry|surprise))[.!]*"
    # an invitation to try and report back: "Give it a try and let me know if it causes any trouble."
    r"|give it a (?:try|go|shot)(?:,? and (?:let (?:me|us) know|tell (?:me|us)) (?:if|how)\b[^.!?]{0,50})?[.!]*"
    # the reason asked for, noted: "I've noted the reason." (the reason is the customer's)
    r"|(?:i'?ve|i have|we'?ve|we have) (?:noted|made a note of|taken note of|recorded) (?:the|your|that) (?:reason|feedback)[.!]*"
    # why a question was asked: "That lets me work out the exact difference."
    r"|(?:that|this|it)(?:'ll| will| would|'d)? (?:lets?|allows?|helps?) (?:me|us) (?:to )?(?:work out|calculate|check|confirm|find|figure out) "
    r"(?:the |your )?(?:exact |right |correct )?(?:difference|amount|details)[.!]*"
    # a detail asked for in a list after a question: "why you'd like to return the scarf;"
    r"|(?:why|what|which|when|how much|whether) you(?:'d| would)? (?:like|want|wish|paid|bought|ordered|need)\b[^.?!:]{0,50}[;,]?(?: and| or)?"
    # twelfth round (fix-12b): the agent's capability on what the customer raised, nothing more named: "I can fix it.",
    # "We can sort that out for you." ("I can fix it with a full refund" names an outcome and is a claim)
    r"|(?:i|we) can (?:fix|correct|sort(?: out)?|update|change|handle|do) (?:it|that|this)(?: out)?(?: for you)?[.!]*"
    # the agent's look-up of the order's status, and word back, no outcome: "I'll check the status and confirm."
    r"|(?:(?:so|then|first),? )?(?:i'?ll|i will|we'?ll|we will|let me) (?:now |just |quickly |first )?(?:check|look up|confirm) (?:the|your|its) "
    r"(?:order |shipping |delivery )?status(?: of (?:the|your) order)?(?: for you)?(?: and (?:confirm|let you know|get back to you|update you))?[.!]*"
    # privacy advice on a public channel: "Please don't post personal details publicly."
    r"|(?:please |just )?(?:don'?t|do not|never|avoid) (?:post|share|put)(?:ing)? (?:your |any )?(?:personal|private|account) (?:details|info|information|data)"
    r"(?: (?:publicly|in public|here|in the comments|on (?:a |our )?(?:public )?(?:post|page|wall|timeline)))?[.!]*"
    # a list of details announced: "To do that, I'll need two things:" (the items are the question's)
    r"|(?:to [^,:]{1,40},\s*)?(?:and |then )?(?:i'?ll|i will|we'?ll|we will) (?:also |just )?need (?:(?:a few|a couple of|two|three|four|some|the following) )?"
    r"(?:quick )?(?:things|details|bits of information|pieces of information)(?: from you)?\s*:"
    # what stays as it is for the customer after a change: "so you'll keep logging in exactly as you do now."
    r"|(?:so |and )?(?:you'?ll|you will|you can) (?:still )?(?:keep|continue|carry on)(?: [\w'-]+){0,3} (?:exactly |just )?(?:as|like) "
    r"(?:you do(?: now| today)?|you did|you always have|before|always|now)[.!]*"
    # invitations to come back: "If it still hasn't arrived by then, just get back in touch."
    # (round 16c: call us back, give us a shout, drop us a line, write back too; what to send is a claim, "Message us with your
    # mother's maiden name"; an act of ours after it is a claim, "Message us and we'll reship it")
    r"|(?:(?:if|once|when)\b[^,]{0,60},\s*)?(?:just |please |feel free to |do )?(?:get back in touch|get back to us|reach out(?: again)?|contact us|"
    r"message us|call us(?: back)?|ring us|write (?:back|to us)|give us a (?:shout|call|ring)|drop us a (?:line|message|note)|"
    r"send us a (?:dm|message|note)|let us know)\b" + _NO_OBJECT + r"(?:(?!" + _OWN_ACT + r").){0,60}"
    # thirteenth round (fix-13b): "If anything else on your bill looks off, just let me know." (facts and outcomes in it are
    # checked; after it only a look-up: "and I'll send a new one" is a claim)
    r"|(?:(?:if|once|when)\b[^,]{0,60},\s*)?(?:just |please |feel free to |do )?(?:let me know|tell (?:me|us)|reply(?: here| to this (?:email|message))?|"
    r"drop (?:me|us) a (?:line|message|note)|give (?:me|us) a shout)(?:,? (?:and|so) (?:i|we)(?:'ll| will| can) (?:look into it|take a look|check(?: it)?|help|"
    r"sort it out|get back to you))?[.!]*"
    # the agent noting what the customer tells, no outcome: "If you'd like to tell me which items, I'll add them to the report."
    r"|(?:(?:if|once|when)\b[^,]{0,80},\s*)?(?:i'?ll|i will|we'?ll|we will) (?:also |gladly |happily )?(?:add|pass|include|note|log|forward|record) "
    r"(?:them|it|that|those|these|this)(?: on| down| along)?(?: (?:to|in|into|with|on) (?:the|our|my) (?:[\w-]+ )?(?:report|list|team|feedback|notes?|file|request|department))?[.!]*)$",
    re.I,
)
LEVEL_LEAD_IN = re.compile(
    r"^(?:(?:a few|some|the (?:main|key|big)|(?:two|three|four|five)) (?:things|differences|extras|perks|benefits|changes)"
    r"|here(?:'s| is| are) what|what) [^:]{0,50}:$", re.I)
"""A list lead-in that names the levels compared ("A few things Gold adds over Silver:", "Here's
what Silver changes:"): the items after it are checked on their own (ninth round)."""
ANYONE_FEELS = re.compile(r"\b(?:would|'d|will|'ll|must|can|could|might)\s+(?:give|make|worry|scare|upset|frustrate|confuse|annoy|throw|surprise|rattle|startle|"
                          r"alarm|panic|stress|drive|catch)\w*\s+(?:anyone|anybody|everyone|everybody|most people)\b"
                          # a slip said of anyone: "that happens to everyone", "it could happen to anybody"
                          r"|(?:^\W*|:\s+|\b(?:it|that|this|which)\s+)(?:(?:can|could|does|really|honestly|totally)\s+)?happen(?:s|ed)?\s+to\s+"
                          r"(?:anyone|anybody|everyone|everybody|all of us|us all)\b", re.I)
"""A feeling or a slip said of anyone ("That would give anyone a fright", "It'd confuse anybody", "that
happens to everyone", "Happens to everyone!", after a sender's name too): no level is meant."""
FRIENDLY = re.compile(
    # the customer's news and feelings: "That's so exciting, ...", "That sounds like a lovely trip!", "That must be so frustrating."
    r"^(?:(?:that|this|it) must (?:be|have been) (?:so |really |very |such )?(?:" + _FEELING + r")\b.{0,40}"
    r"|(?:oh,? )?(?:that'?s|that is|how) (?:so |really |very |such )?(?:" + _GOOD_NEWS + r")(?:[,!.—–-].{0,60}|$)"
    r"|(?:that |it )?sounds (?:like )?(?:a |an |quite )?(?:the )?(?:[\w'-]+ )?(?:" + _GOOD_NEWS + r"|fun|busy|hectic|adventure|plan|trip|day|week)\b.{0,30}"
    # good wishes for the customer's life: "I hope that helps!", "I hope your dad has a wonderful birthday!"
    r"|" + _HOPE + r".{0,60}"
    # reassurance that nothing went wrong on their side: "Happens to the best of us!", "Easy mistake to make."
    r"|(?:(?:no worries|no problem),? )?(?:" + _REASSURANCE + r")\b.{0,40}|(?:whichever|whatever) (?:option |one |way )?(?:is|works|suits you) (?:easiest|best|most convenient)?\b.{0,30}"
    r"|(?:wishing (?:you|your|him|her|them)|fingers crossed)\b.{0,60}"
    # eleventh round (fix-11a): a slip common to many, no level named: "New phones catch a lot of people out with two-factor codes."
    r"|(?:[\w'-]+ ){1,4}(?:catch|trip)(?:es|s)? (?:a lot of|lots of|plenty of|so many|many|most) (?:people|of us|folks) (?:out|up)\b.{0,40}"
    # encouragement with nothing stated: "Almost there, Oscar!" (the facts after it are checked on their own)
    r"|(?:almost|nearly) there[!.]*"
    # thirteenth round (fix-13b): "You're close!", "You're nearly there!" (the figures after it are checked on their own)
    r"|(?:you'?re|you are) (?:so |very |really |pretty |quite )?(?:close|nearly there|almost there|getting there|not far off|on the right track)[!.]*|so close[!.]*"
    # regret that says what we wanted, nothing of the case: "That's not the experience we want for you."
    r"|(?:that'?s|that is|this is|it'?s) (?:not|never) (?:the (?:kind of |sort of )?(?:experience|service|impression|start)|what) (?:we|i) (?:want|wanted|hope|hoped|like)(?:ed)?"
    r"(?: (?:for you|you to (?:have|get)|to (?:give|offer) you|our customers to have))?[.!]*"
    # empathy with no subject: "Totally get that it feels like a lot", "Completely understand the worry"
    r"|(?:totally|completely|really|fully|absolutely|definitely) (?:get|understand|hear)(?: (?:it|that|you|why|how|what|the (?:frustration|worry|concern|confusion|annoyance|hassle))\b(?:\s+[\w'-]+){0,12}[!.]*|[!.]*$)"
    # praise for the customer's step: "Good instinct to check", "Smart move asking first", "Good on you for double-checking"
    r"|(?:(?:that'?s|that was|it'?s|it was) )?(?:a |such a )?(?:really |very )?(?:good|great|smart|wise|sensible|right|sharp) "
    r"(?:instinct|call|thinking|idea|move|catch|eye|spot|decision)?\s*(?:of you )?(?:to|for) (?:you )?" + _CHECKING + r"\b" + _PLAIN_TAIL +
    r"|(?:good|great) on you for " + _CHECKING + r"\b" + _PLAIN_TAIL + r"|(?:good|great|nice|smart|sharp) (?:instinct|thinking|catch|eye|spot)\b[!.]*"
    r"|(?:that|this|it)(?:'d|'ll)?(?: would| will| must| can| could| might)? (?:give|make|worry|scare|upset|frustrate|confuse|annoy|throw|surprise|rattle|startle|"
    r"alarm|panic|stress|drive|catch)\w* (?:anyone|anybody|everyone|everybody|most people)\b.{0,40})$",
    re.I,
)
"""Friendly lines about the customer's life, news and feelings: like :data:`CONVERSATIONAL`, but
each later clause must be friendly too ("No harm done, your account is now unlocked" is a claim)."""
INTERJECTION = re.compile(
    r"^(?:great|okay|ok|alright|all right|right|got it|perfect|sure thing|sure|totally|absolutely|of course|no problem|"
    r"no problem at all|no worries at all|not a problem|certainly|happy to help|glad to help|"
    r"oh|ah|ugh|argh|oof|wow|hmm|yes|yep|understood|i see|gotcha|fair enough|thanks|thank you|oh no|oh dear|ha|haha|hah|hehe|yay|"
    r"woohoo|hooray|aw+|phew|whoops|oops|yikes|ouch|uh-oh|(?:great|good|happy|lovely|exciting|brilliant) news|"
    # "How exciting, congratulations ...", "What a week, I'm sorry ..."
    r"(?:how|so) (?:very |really )?(?:exciting|lovely|wonderful|fun|nice|cool|sweet|kind|thoughtful|brilliant|amazing|fantastic|special|"
    r"great|awesome|lucky|annoying|frustrating|awful|stressful|horrible|maddening)|"
    r"what (?:an? )?(?:[\w'-]+ )?(?:news|idea|gift|present|surprise|treat|shame|pain|week|day|hassle|nuisance|mix-up|mess|journey))\s*[,!.]\s+"
    # the customer's name after it: "No problem, Hollis, that happens to everyone."
    r"(?:(?!(?:Gold|Silver|Bronze|Guests?|Members?)\b)(?-i:[A-Z][a-z'-]+),\s+)?(?=\S)"
    # a bare apology: "Sorry, sale items are final." states what follows it (a turn, "Sorry, but ...", is judged as a turn)
    r"|^(?:(?:i'?m|i am|we'?re|we are) )?(?:so |very |really |truly |terribly )?sorry(?: about that)?(?:,\s*(?-i:[A-Z][a-z'-]+))?\s*[,!.]\s+"
    r"(?=\S)(?!(?:but|however|though|yet)\b)", re.I)
"""A leading interjection ("Great, let's get that sorted.", "Sorry, ..."): the rest is what is judged."""
EMPATHY_HEAD = re.compile(
    r"^(?:(?:oh|ah),? )?(?:(?:that|this|it) must (?:be|have been) (?:so |really |very )?(?:" + _FEELING + r")|(?:i'?m|i am|we'?re|we are) (?:so |very |really |truly |terribly )?sorry|(?:so |very |really )?sorry|"
    r"i (?:completely |totally |really |fully |absolutely |definitely )?(?:understand|hear|know (?=(?:how|it'?s|that'?s|this is|what a)\b)|get (?:it|that|why|how|what|the|[a-z]+ing))|"
    r"(?:i can )?imagine|(?:that'?s|that is|this is|it'?s|what) (?:so |really |very |completely |totally |such )?(?:" + _FEELING + r"))\b",
    re.I)
"""A clause that acknowledges the customer's situation: "I'm sorry your refund hasn't shown up
yet", "I understand how frustrating it is to see a lower price the next day". The refund, the
day it names are the customer's experience, not something the reply promises."""
FUTURE = re.compile(r"\b(?:will|shall|going to|gonna)\b|'ll\b", re.I)
TOPIC = re.compile(r"refund|replac|credit|voucher|gift card|discount|upgrade|cancel|remove|money back", re.I)
"""Commitment words that, in an empathy clause, name what the customer is waiting for ("your
refund", "the cancelled card"); "approved", "waived", "free", "guarantee" state an outcome."""
NOUN_PHRASE = re.compile(r"^(?:(?:and|or) )?(?:an? |the |your |my )?[\w-]+(?: [\w-]+)?[.!?]?$", re.I)
VOCATIVE = re.compile(r",\s*[A-Z][a-z'-]+(?=\s*[!.?]*$)")
"""The customer's name at the end ("Good news, Kwame!"): a way of addressing them, nothing more."""
NAME_ONLY = re.compile(r"^[A-Z][a-z'-]+\s*[!.]*$")
CONTINUATION = re.compile(r"^(?:especially|particularly|when|whenever|after|because|since|as|that|with|given|having|while|on top of|"
                          r"and (?:that|especially|after|with|when)|let alone|what with)\b", re.I)
"""A clause that goes on describing the customer's situation ("I'm so sorry your order still
hasn't turned up, especially after checking with your neighbours"), not a new claim."""
ASKING = re.compile(r"\b(?:could|can|would|will) you (?:please |kindly |just )?(?:send|share|tell|confirm|give|provide|let (?:me|us) know|reply with)"
                    # a purpose said first: "To make the change, please reply with:"
                    r"|^(?:to [^,:]{1,40},\s*)?(?:please |just )?(?:send|share|tell|confirm|provide|reply with)\b", re.I)
"""A request for the customer's details: ending with ":" ("To set that up, could you send me:")
it is a question whose list follows."""
WISH = re.compile(r"\b(?:you'?d like|you would like|you want(?:ed)?|you'?re (?:hoping|looking|asking)|you (?:asked|requested|hoped))\b", re.I)
"""What the customer wants ("why you'd like to refund the skirt"): the commitment word after it is
their wish, not the reply's promise."""
_AUX = frozenset("""is are was were be been am can could will would shall should may might must do does did has have had
    get gets ship ships we i they it there our us he she""".split())
_VERDICT = frozenset("""late early eligible allowed fine ok okay covered time valid possible available able no not yes never
    always only too free""".split())
"""Words that give a verdict ("Not too late!", "Still in time!"): an exclamation carrying one is a claim."""


def verbless_exclamation(s: str, *, verdict: bool = False) -> bool:
    """A short exclamation with no verb of its own and no subject ("Ha, new phone, same you!",
    "What a week!"): it can state nothing. A word that could be a verb ("Everything ships free!")
    or a contraction ("It's yours!") makes it a sentence like any other. ``verdict``: one that
    gives a verdict on the customer's case ("Not too late at all!", "Still in time!") instead."""
    if not s.endswith("!"):
        return False
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", s.lower().replace("’", "'"))
    verbless = 0 < len(words) <= 6 and not any(w in _AUX or "'" in w or (w.endswith("s") and len(w) > 3 and w not in ("news", "thanks", "yes"))
                                               for w in words)
    return verbless and any(w in _VERDICT for w in words) == verdict


HELP_WITH = re.compile(r"\b(?:help(?: you)?|assist(?: you)?) (?:with|start|get started (?:on|with)|look into|sort out|through)\b", re.I)
"""An offer to help with something ("I can help with a refund"): its object is the topic."""

_SMALL_TALK_WORDS = frozenset(
    """annoy annoying annoyed frustrat frustrating frustrated frustration disappoint disappointing disappointed upset upsetting
    stress stressful worry worried worrying worries inconvenien inconvenient inconvenience awkward confus confusing confused
    hassle pain bummer shame unfortunate unfortunately understandable understand understood fair reasonable valid great good
    excellent perfect lovely wonderful nice awesome fantastic brilliant totally completely absolutely definitely really truly
    honestly entirely question questions point concern ask asking sorted sort figure patience patient apologies apologise
    apologize sorry hear hearing feel feeling mind appreciate noted course thing things moment news glad happy help
    happen happens happened best mistake alone company worry worries exciting excited fun luck lucky sound sounds sounded like
    love loves loved lovely enjoy enjoying enjoyed kind taste choice idea plan cool gorgeous beautiful treat surprise
    fault""".split())
"""Round 17a: "fault", for comfort ("Please don't worry, it's not your fault."): blame said the other way is a tone finding."""
_FUNCTION_WORDS = frozenset(
    """a an the i i'm i've i'd i'll me my we we're we've we'll us our you you're you've your yours it it's its that that's this these
    those there here what why how when so such very too quite just really is are was were be been am do does did can could
    will would should let let's get got getting to of for with on in at about and or but if then all any some no not that
    know see totally thanks thank""".split())


def small_talk(s: str) -> bool:
    """A short sentence made only of words of feeling and acknowledgement ("Totally fair
    question!", "I get why that's annoying!"): nothing in it could be a claim."""
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", s.lower().replace("’", "'"))
    if not words or len(words) > 10:
        return False
    content = [w for w in words if w not in _FUNCTION_WORDS]
    return bool(content) and all(w in _SMALL_TALK_WORDS or (len(w) > 4 and w.rstrip("s") in _SMALL_TALK_WORDS) for w in content)
