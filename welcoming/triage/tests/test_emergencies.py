"""Emergencies in every language, read with the real vocabularies: statements that must raise the
flag with the right kind, and idioms that sound like one and must not (and still find their need).

The statements were written for these tests, the way people type on a phone (dialects, Arabizi,
Finglish, surzhyk, a Russian keyboard, second-language English); they are in neither evaluation set.
"""

from __future__ import annotations

import pytest

from welcoming.triage.engine import Engine, Query
from welcoming.triage.text import skeleton, words
from welcoming.triage.vocabulary import compile_vocabulary, load

ENGINE = Engine(load(), [])

MEDICAL, VIOLENCE, SELF_HARM = "medical", "violence", "self-harm"
TRAFFICKING, HOMELESS = "trafficking", "homeless-tonight"

EMERGENCIES: dict[str, list[tuple[str, str]]] = {
    "en": [
        (MEDICAL, "my daughter is having a seizure on the floor"),
        (MEDICAL, "my husband fell down shaking and his eyes rolling back"),
        (MEDICAL, "baby having convulsions since 5 minutes"),
        (MEDICAL, "my son had a fit and now he dont wake up"),
        (MEDICAL, "grandma is not reacting when i call her"),
        (MEDICAL, "he is unconcious in the bathroom"),
        (MEDICAL, "my friend fainted and dont open his eyes"),
        (MEDICAL, "my wife collapsed in the kitchen"),
        (MEDICAL, "she is breathing very bad and her lips going blue"),
        (MEDICAL, "my baby breathing strange and fast, his face is blue"),
        (MEDICAL, "he cant breath properly, gasping for air"),
        (MEDICAL, "blood everywhere, he cut his hand very deep"),
        (MEDICAL, "my wife is bleeding so much after the birth"),
        (MEDICAL, "my son drank bleach by mistake"),
        (MEDICAL, "toddler swallowed some cleaning liquid"),
        (MEDICAL, "my daughter ate my pills, maybe 10"),
        (MEDICAL, "she took an overdose of her medicine"),
        (MEDICAL, "my friend od on heroin"),
        (MEDICAL, "strong pain in my chest and my left arm"),
        (MEDICAL, "my fathers face is drooping on one side and he cant talk properly"),
        (MEDICAL, "i think my mother is having a stroke"),
        (MEDICAL, "baby high fever 40 and he will not wake up"),
        (MEDICAL, "severe allergic reaction, face and lips swelling up"),
        (MEDICAL, "his throat is swelling after peanuts"),
        (MEDICAL, "i am 7 months pregnant and bleeding a lot"),
        (MEDICAL, "my wife is in labour, the baby is coming"),
        (TRAFFICKING, "my employer keeps my passport and wont give it back"),
        (TRAFFICKING, "the lady i work for took my id and my papers"),
        (TRAFFICKING, "the man who brought me here has my passport"),
        (TRAFFICKING, "they took our passports when we arrived at the farm"),
        (TRAFFICKING, "i work 14 hours everyday and they never pay me, i cant go out"),
        (TRAFFICKING, "working 6 months with no salary and the boss lock the door at night"),
        (TRAFFICKING, "im not allowed to leave the house where i work"),
        (TRAFFICKING, "they dont let me go outside, i clean all day for them"),
        (TRAFFICKING, "they locked us inside the workplace"),
        (TRAFFICKING, "they say i must work to pay back the debt for my travel"),
        (TRAFFICKING, "he said if i leave he will hurt my family back home"),
        (TRAFFICKING, "boss confiscated our ids, we sleep at the factory"),
        (HOMELESS, "the shelter kicked me out today and its freezing"),
        (HOMELESS, "we got thrown out of the house tonight with my 3 kids"),
        (HOMELESS, "they kicked us out of the camp this morning"),
        (HOMELESS, "hostel threw me out, no where to go tonight"),
        (HOMELESS, "i have no place to spend the night"),
        (HOMELESS, "where can we stay tonight, me and my children"),
        (HOMELESS, "i will sleep in the street tonight"),
        (HOMELESS, "sleeping at the train station since yesterday"),
        (HOMELESS, "we are sleeping in our car with the kids"),
        (HOMELESS, "nowhere to stay tonight please"),
        (HOMELESS, "my husband put me out of the house with the baby"),
        # tonight, though a later date is named too
        (HOMELESS, "we were evicted today and the new flat is only free next month, where do we sleep tonight"),
        (HOMELESS, "lease ends next week but tonight we have no place to sleep"),
        (HOMELESS, "kicked out this morning, the shelter has a bed only next week"),
        (HOMELESS, "sleeping in my car since last night, the new apartment is ready in 2 weeks"),
        (HOMELESS, "we sleep in the car, the social housing is only for next month"),
        (VIOLENCE, "my husband beat me again and says next time worse"),
        (VIOLENCE, "my boyfriend is slapping me"),
        (VIOLENCE, "he is threatening me with a knife"),
        (VIOLENCE, "he pulled a knife on me"),
        (VIOLENCE, "my partner locked me in the bedroom and took my phone"),
        (VIOLENCE, "my brother punch me and kick me"),
        (VIOLENCE, "my husband hit me with a belt"),
        (VIOLENCE, "he choke me yesterday"),
        (SELF_HARM, "i want to end it tonight"),
        (SELF_HARM, "i have the pills in my hand"),
        (SELF_HARM, "i wrote a goodbye letter to my kids"),
        (SELF_HARM, "thinking of jumping from the balcony"),
        (SELF_HARM, "i dont want to be alive anymore"),
        (SELF_HARM, "going to jump in front of a train"),
        (SELF_HARM, "im going to end everything"),
    ],
    "fr": [
        (MEDICAL, "mon fils fait une crise, il tremble et il bave"),
        (MEDICAL, "ma femme convulse par terre"),
        (MEDICAL, "mon père est tombé et il réagit plus"),
        (MEDICAL, "elle repond pas quand je l'appelle, elle est toute molle"),
        (MEDICAL, "il est tombé dans les pommes"),
        (MEDICAL, "mon bébé respire mal, il devient tout bleu"),
        (MEDICAL, "ma fille arrive plus a respirer"),
        (MEDICAL, "il pisse le sang ça s'arrête pas"),
        (MEDICAL, "elle saigne trop de la tete"),
        (MEDICAL, "mon fils a bu de l'eau de javel"),
        (MEDICAL, "le petit a avalé des produits ménagers"),
        (MEDICAL, "elle a pris toute la boîte de cachets"),
        (MEDICAL, "j'ai très mal à la poitrine, ça serre"),
        (MEDICAL, "sa bouche est de travers et il peut plus parler"),
        (MEDICAL, "bébé a 40 de fièvre et se réveille pas"),
        (MEDICAL, "son visage gonfle apres une piqure de guepe"),
        (MEDICAL, "je suis enceinte et je saigne beaucoup"),
        (MEDICAL, "je perds du sang, enceinte de 5 mois"),
        (MEDICAL, "ma femme a des contractions, le bébé arrive"),
        (MEDICAL, "il a fait une overdose"),
        (TRAFFICKING, "mon patron garde mon passeport et veut pas me le rendre"),
        (TRAFFICKING, "le monsieur qui m'a fait venir a gardé mes papiers"),
        (TRAFFICKING, "la dame chez qui je travaille a pris ma carte d'identité"),
        (TRAFFICKING, "je bosse sans être payée depuis 4 mois et je peux pas partir"),
        (TRAFFICKING, "on me laisse pas sortir de la maison où je travaille"),
        (TRAFFICKING, "j'ai pas le droit de quitter la maison, je fais le ménage jour et nuit"),
        (TRAFFICKING, "ils nous enferment dans l'atelier la nuit"),
        (TRAFFICKING, "je dois travailler pour rembourser le voyage"),
        (TRAFFICKING, "si je pars ils vont s'en prendre à ma famille au pays"),
        (TRAFFICKING, "le patron m'enferme dans le resto le soir"),
        (HOMELESS, "on m'a mis dehors ce soir"),
        (HOMELESS, "le foyer m'a viré aujourd'hui"),
        (HOMELESS, "on s'est fait expulser du squat, ce soir on dort où"),
        (HOMELESS, "je suis a la rue avec mes deux enfants"),
        (HOMELESS, "je vais dormir dehors cette nuit"),
        (HOMELESS, "je dors à la gare depuis 3 jours"),
        (HOMELESS, "on dort dans la voiture avec les petits"),
        (HOMELESS, "aucun endroit pour passer la nuit"),
        (HOMELESS, "ou est ce que je peux passer la nuit"),
        (HOMELESS, "mon mari m'a jetée dehors avec le bébé"),
        (HOMELESS, "ils nous ont virés du camp ce matin"),
        (HOMELESS, "on nous a mis dehors ce soir, le nouvel appart est libre le mois prochain"),
        (HOMELESS, "expulsés aujourd'hui, le foyer a une place dans une semaine, où dormir ce soir"),
        (HOMELESS, "je dors dans la rue depuis 2 jours, le logement social c'est pour le mois prochain"),
        (HOMELESS, "le bail finit la semaine pro mais là maintenant on a nulle part où dormir"),
        (VIOLENCE, "il me tape dessus tous les soirs"),
        (VIOLENCE, "mon copain m'a cognée"),
        (VIOLENCE, "il m'a menacée avec un couteau"),
        (VIOLENCE, "mon mari m'enferme dans la chambre"),
        (VIOLENCE, "il m'a giflée devant les enfants"),
        (VIOLENCE, "il me donne des coups"),
        (VIOLENCE, "mon frère veut me tuer"),
        (SELF_HARM, "je veux en finir ce soir"),
        (SELF_HARM, "j'ai les médicaments dans la main, je vais tout avaler"),
        (SELF_HARM, "j'ai écrit une lettre d'adieu"),
        (SELF_HARM, "je vais sauter du balcon"),
        (SELF_HARM, "je veux plus vivre"),
        (SELF_HARM, "je pense à me foutre en l'air"),
    ],
    "ar": [
        (MEDICAL, "ابني عم يرجف وطالعة رغوة من تمه"),
        (MEDICAL, "بنتي جاتها نوبة صرع"),
        (MEDICAL, "ابني بيتشنج"),
        (MEDICAL, "ابوي وقع وما عم يرد علينا"),
        (MEDICAL, "امي مش بتفوق"),
        (MEDICAL, "جوزي اغمى عليه"),
        (MEDICAL, "البيبي نفسه مقطوع ولونه صار ازرق"),
        (MEDICAL, "ابني مش قادر ياخد نفسه"),
        (MEDICAL, "عم ينزف كتير من راسه"),
        (MEDICAL, "مرتي حامل وعم تنزف"),
        (MEDICAL, "ابني شرب كلوركس"),
        (MEDICAL, "بنتي بلعت حبوب كتير"),
        (MEDICAL, "صاحبي اخد جرعة زيادة"),
        (MEDICAL, "وجع قوي بصدري"),
        (MEDICAL, "وشه مايل وما عم يقدر يحكي"),
        (MEDICAL, "حرارة البيبي ٤٠ وما عم يصحى"),
        (MEDICAL, "وجهه انتفخ بعد ما اكل فستق"),
        (MEDICAL, "مرتي عم تولد"),
        (MEDICAL, "ibni 3am yirjif w ma 3am yrod"),
        (MEDICAL, "baba we2e3 w mesh 3am yetnaffas"),
        (MEDICAL, "binti shirbit klor"),
        (TRAFFICKING, "الكفيل ماسك جوازي ومش راضي يرجعه"),
        (TRAFFICKING, "اللي جابني لهون اخد باسبوري"),
        (TRAFFICKING, "خد جوازي وقالي اشتغل"),
        (TRAFFICKING, "بشتغل من ست شهور وما عطوني ولا قرش وما بيخلوني روح"),
        (TRAFFICKING, "ما بيسمحولي اطلع من البيت"),
        (TRAFFICKING, "قافلين علينا الباب بالمزرعة"),
        (TRAFFICKING, "بيقولوا علي دين للسفر ولازم اشتغل عندهم لحتى سدده"),
        (TRAFFICKING, "هددني اذا تركت الشغل رح يأذي أهلي"),
        (TRAFFICKING, "مش مسموحلي اخرج من مكان الشغل"),
        (TRAFFICKING, "akhad jawazi w ma bi5alini etla3"),
        (TRAFFICKING, "el kafeel 5ad el basbor"),
        (HOMELESS, "طلعونا من المخيم اليوم"),
        (HOMELESS, "طردوني من السكن الليلة"),
        (HOMELESS, "ما عندي وين نام الليلة انا وولادي"),
        (HOMELESS, "ما لقيت مكان ابات فيه"),
        (HOMELESS, "وين بدنا نبات الليلة"),
        (HOMELESS, "نايمين بالسيارة مع الولاد"),
        (HOMELESS, "رح نام بالشارع الليلة"),
        (HOMELESS, "نايم بمحطة القطار من يومين"),
        (HOMELESS, "جوزي كبني برا البيت مع البنات"),
        (HOMELESS, "ما عنديش فين نبات الليلة"),
        (HOMELESS, "خرجوني من الدار اليوم"),
        (HOMELESS, "tal3ouna mn el beit w ma 3anna wen nam"),
        (HOMELESS, "ma 3andi wein nem el leile"),
        (HOMELESS, "طردونا من البيت اليوم والبيت الجديد بس الشهر الجاي، وين بدنا نبات الليلة"),
        (HOMELESS, "نايمين بالشارع من امبارح، الملجأ عنده مكان بعد اسبوع"),
        (HOMELESS, "العقد بيخلص آخر الشهر بس هلق ما عندي وين نام"),
        (HOMELESS, "tal3ouna mn el beit el yom w el beit el jdid el shahr el jay, ma 3anna wen nam"),
        (VIOLENCE, "بيضربني كل يوم"),
        (VIOLENCE, "جوزي ضربني بالحزام"),
        (VIOLENCE, "هددني بالسكينة"),
        (VIOLENCE, "جوزي قافل علي بالغرفة"),
        (VIOLENCE, "ابوي بيضربني انا واخواتي"),
        (VIOLENCE, "راجلي كيضربني"),
        (VIOLENCE, "bido yedrobni"),
        (VIOLENCE, "jozi 3am yedrobni"),
        (SELF_HARM, "بدي خلص من حياتي"),
        (SELF_HARM, "الحبوب بايدي ورح اشربهم كلهم"),
        (SELF_HARM, "كتبت رسالة وداع لاهلي"),
        (SELF_HARM, "رح ارمي حالي من البلكون"),
        (SELF_HARM, "مابقيتش باغي نعيش"),
        (SELF_HARM, "bade mout"),
        (SELF_HARM, "bfakker ente7er"),
    ],
    "uk": [
        (MEDICAL, "у сина судоми, труситься весь"),
        (MEDICAL, "у дитини напад, піна з рота"),
        (MEDICAL, "бабуся не реагує на нас"),
        (MEDICAL, "мама впала і не приходить до тями"),
        (MEDICAL, "він знепритомнів і не відкриває очі"),
        (MEDICAL, "дитина погано дихає, губи сині"),
        (MEDICAL, "задихається, не може вдихнути"),
        (MEDICAL, "сильно тече кров, не можемо зупинити"),
        (MEDICAL, "син випив хлорку"),
        (MEDICAL, "дочка наковталася таблеток"),
        (MEDICAL, "він випив забагато пігулок"),
        (MEDICAL, "сильно болить у грудях, віддає в руку"),
        (MEDICAL, "перекосило обличчя, не може говорити"),
        (MEDICAL, "в дитини температура 40 і вона не прокидається"),
        (MEDICAL, "набрякло обличчя після укусу бджоли"),
        (MEDICAL, "я вагітна і в мене кровотеча"),
        (MEDICAL, "почалися перейми, дружина народжує"),
        (MEDICAL, "дитина не дихае"),
        (MEDICAL, "вин не реагуе"),
        (MEDICAL, "у нього приступ, трясеться"),
        (MEDICAL, "ребенок без сознания"),
        (TRAFFICKING, "роботодавець тримає мій паспорт і не віддає"),
        (TRAFFICKING, "чоловік який нас привіз забрав документи"),
        (TRAFFICKING, "хазяйка забрала паспорт"),
        (TRAFFICKING, "не платять вже три місяці і не відпускають"),
        (TRAFFICKING, "не дозволяють виходити з будинку"),
        (TRAFFICKING, "нас замикають на складі на ніч"),
        (TRAFFICKING, "кажуть треба відпрацювати борг за дорогу"),
        (TRAFFICKING, "погрожують що якщо піду, зроблять погано родині"),
        (TRAFFICKING, "нам не можна виходити з території ферми"),
        (TRAFFICKING, "работодатель забрал паспорт и не отдает"),
        (HOMELESS, "нас вигнали з гуртожитку сьогодні"),
        (HOMELESS, "мене виставили з квартири на вулицю"),
        (HOMELESS, "виселили з шелтера"),
        (HOMELESS, "немає де переночувати з дітьми"),
        (HOMELESS, "сьогодні спатиму на вокзалі"),
        (HOMELESS, "ночуємо в машині з дітьми"),
        (HOMELESS, "сплю на лавці в парку"),
        (HOMELESS, "ниде сьогодни ночуваты"),
        (HOMELESS, "выгнали из хостела сегодня"),
        (HOMELESS, "чоловік вигнав мене з дому вночі з дитиною"),
        (HOMELESS, "нас вигнали з квартири сьогодні, нове житло тільки з наступного місяця, де ночувати"),
        (HOMELESS, "ночуємо на вокзалі вже два дні, гуртожиток дадуть через тиждень"),
        (HOMELESS, "выгнали сегодня, новая квартира через две недели, негде ночевать"),
        (VIOLENCE, "чоловік мене лупить"),
        (VIOLENCE, "він мене бʼє кожного дня"),
        (VIOLENCE, "погрожував мені ножем"),
        (VIOLENCE, "чоловік закрив мене в кімнаті"),
        (VIOLENCE, "он меня бьёт и душит"),
        (VIOLENCE, "вдарив мене по обличчю"),
        (SELF_HARM, "хочу покінчити з усім"),
        (SELF_HARM, "в мене в руці таблетки, вип'ю всі"),
        (SELF_HARM, "написала прощальний лист"),
        (SELF_HARM, "хочу стрибнути з даху"),
        (SELF_HARM, "жити більше не хочу"),
        (SELF_HARM, "хочу вмерти"),
    ],
    "es": [
        (MEDICAL, "a mi hija le dio una convulsión"),
        (MEDICAL, "le dio un ataque y está temblando con espuma en la boca"),
        (MEDICAL, "mi abuela no responde"),
        (MEDICAL, "se desmayó y no despierta"),
        (MEDICAL, "mi esposo está inconsciente en el piso"),
        (MEDICAL, "el bebé respira raro y se está poniendo morado"),
        (MEDICAL, "no puede respirar bien"),
        (MEDICAL, "está botando mucha sangre de la cabeza"),
        (MEDICAL, "se cortó y sangra demasiado"),
        (MEDICAL, "mi niño se tomó cloro"),
        (MEDICAL, "mi hija se tragó unas pastillas"),
        (MEDICAL, "se tomó todo el frasco de pastillas"),
        (MEDICAL, "me duele mucho el pecho y el brazo izquierdo"),
        (MEDICAL, "se le torció la cara y no puede hablar"),
        (MEDICAL, "la bebé tiene fiebre de 40 y no se despierta"),
        (MEDICAL, "se le hinchó la cara y la garganta por una alergia"),
        (MEDICAL, "estoy embarazada y estoy sangrando"),
        (MEDICAL, "ya rompió fuente y tiene contracciones"),
        (MEDICAL, "mi hermano tiene un ataque de epilepsia"),
        (TRAFFICKING, "el patrón me quitó el pasaporte y no me lo devuelve"),
        (TRAFFICKING, "la señora se quedó con mis papeles"),
        (TRAFFICKING, "el coyote nos tiene los documentos"),
        (TRAFFICKING, "trabajo sin que me paguen y no me dejan ir"),
        (TRAFFICKING, "no me dejan salir de la casa donde trabajo"),
        (TRAFFICKING, "nos encierran con llave en la finca"),
        (TRAFFICKING, "tengo que trabajar para pagar la deuda del viaje"),
        (TRAFFICKING, "me amenazan si me voy"),
        (TRAFFICKING, "dice que si me voy le hace daño a mi familia"),
        (HOMELESS, "me botaron de la casa hoy"),
        (HOMELESS, "nos corrieron del albergue esta noche"),
        (HOMELESS, "nos sacaron del cuarto y no tenemos dónde pasar la noche"),
        (HOMELESS, "no tengo dónde quedarme esta noche con mis hijos"),
        (HOMELESS, "voy a dormir en la calle hoy"),
        (HOMELESS, "estamos durmiendo en el carro con los niños"),
        (HOMELESS, "dormí en la terminal anoche y hoy igual"),
        (HOMELESS, "me echaron del refugio"),
        (HOMELESS, "mi esposo me sacó de la casa con los niños"),
        (HOMELESS, "no tenemos donde pasar la noche"),
        (HOMELESS, "nos echaron hoy y el cuarto nuevo es hasta el próximo mes, dónde dormimos esta noche"),
        (HOMELESS, "estamos en la calle desde anoche, el albergue tiene cupo la semana que viene"),
        (HOMELESS, "el contrato nuevo empieza en dos semanas, mientras tanto no tengo dónde dormir"),
        (VIOLENCE, "mi marido me pegó otra vez"),
        (VIOLENCE, "me amenazó con un cuchillo"),
        (VIOLENCE, "mi pareja me encerró en el cuarto"),
        (VIOLENCE, "mi novio me dio una cachetada"),
        (VIOLENCE, "me jalonea y me pega"),
        (VIOLENCE, "mi esposo me golpeo ayer"),
        (SELF_HARM, "quiero acabar con todo"),
        (SELF_HARM, "tengo las pastillas en la mano"),
        (SELF_HARM, "escribí una carta de despedida"),
        (SELF_HARM, "me voy a tirar del puente"),
        (SELF_HARM, "ya no quiero estar viva"),
        (SELF_HARM, "me quiero quitar la vida"),
    ],
    "fa": [
        (MEDICAL, "بچم تشنج کرده داره میلرزه"),
        (MEDICAL, "پسرم غش کرد کف از دهنش میاد"),
        (MEDICAL, "مادرم جواب نمیده هرچی صداش میکنم"),
        (MEDICAL, "پدرم بیهوش افتاده"),
        (MEDICAL, "شوهرم از حال رفته"),
        (MEDICAL, "بچه نفسش بند اومده"),
        (MEDICAL, "نمی‌تونه درست نفس بکشه"),
        (MEDICAL, "خون زیادی ازش میره بند نمیاد"),
        (MEDICAL, "پسرم وایتکس خورده"),
        (MEDICAL, "دخترم کلی قرص خورده"),
        (MEDICAL, "درد شدید تو سینه ام دارم"),
        (MEDICAL, "صورتش کج شده نمیتونه حرف بزنه"),
        (MEDICAL, "بچه تب ۴۰ داره و بیدار نمیشه"),
        (MEDICAL, "صورتش ورم کرده بعد از خوردن بادام زمینی"),
        (MEDICAL, "حامله ام خونریزی دارم"),
        (MEDICAL, "زنم درد زایمان داره"),
        (MEDICAL, "bacham nafas nemikeshe"),
        (MEDICAL, "baba bihoosh shode"),
        (MEDICAL, "نفس نمی کشه"),
        (TRAFFICKING, "صاحبکارم پاسپورتمو نگه داشته و پس نمیده"),
        (TRAFFICKING, "همون کسی که منو آورد مدارکمو گرفت"),
        (TRAFFICKING, "چند ماهه بدون مزد کار میکنم و نمیذارن برم"),
        (TRAFFICKING, "اجازه ندارم از خونه بیرون برم"),
        (TRAFFICKING, "در کارگاه رو روی ما قفل میکنن"),
        (TRAFFICKING, "میگن باید کار کنم تا قرضمو بدم"),
        (TRAFFICKING, "تهدید میکنه اگه برم به خانوادم آسیب میزنه"),
        (TRAFFICKING, "تذکره‌مو گرفته نمیده"),
        (TRAFFICKING, "pasportamo gereftan va pool nemidan"),
        (HOMELESS, "امروز از کمپ بیرونمون کردن"),
        (HOMELESS, "امشب از خونه انداختنم بیرون"),
        (HOMELESS, "امشب جایی برای موندن ندارم"),
        (HOMELESS, "شب رو کجا بمونیم با بچه ها"),
        (HOMELESS, "امشب تو خیابون میخوابم"),
        (HOMELESS, "توی ماشین میخوابیم با بچه ها"),
        (HOMELESS, "تو ایستگاه قطار خوابیدم"),
        (HOMELESS, "شوهرم منو با بچه از خونه بیرون کرد"),
        (HOMELESS, "emshab ja nadarim bekhabim"),
        (HOMELESS, "birunemun kardan az khune"),
        (HOMELESS, "امروز از خونه بیرونمون کردن، خونه جدید ماه دیگه خالی میشه، امشب کجا بخوابیم"),
        (HOMELESS, "از دیشب تو ماشین میخوابیم، خوابگاه هفته دیگه جا داره"),
        (HOMELESS, "قرارداد خونه جدید از اول ماه بعده، الان جا نداریم بخوابیم"),
        (VIOLENCE, "شوهرم کتکم میزنه"),
        (VIOLENCE, "با چاقو تهدیدم کرد"),
        (VIOLENCE, "شوهرم منو تو اتاق زندانی کرده"),
        (VIOLENCE, "داره میزنتم"),
        (VIOLENCE, "برادرم منو زد"),
        (VIOLENCE, "شوهرم مرا لت میکند"),
        (VIOLENCE, "shoharam kotakam mizane"),
        (SELF_HARM, "میخوام تمومش کنم"),
        (SELF_HARM, "قرصا تو دستمه همه رو میخورم"),
        (SELF_HARM, "نامه خداحافظی نوشتم"),
        (SELF_HARM, "میخوام از پشت بوم بپرم"),
        (SELF_HARM, "دیگه نمیخوام زنده بمونم"),
        (SELF_HARM, "mikham khodkoshi konam"),
    ],
}

# idioms that sound like an emergency, and the need she still has
IDIOMS: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("this job is killing me, i need a better one", "employment"),
        ("my back is killing me, need a doctor", "health"),
        ("my car is dead and i need to get to work", "transport"),
        ("my phone is dead, where can i find a job centre", "employment"),
        ("im dying to find a job", "employment"),
        ("im starving to death lol where is the food bank", "food"),
        ("i need to take my passport to the embassy", "documents"),
        ("landlord says he will kick us out next month", "housing"),
        ("i cant swallow pills, need a doctor for liquid medicine", "health"),
        ("the kids are killing me, i need daycare", "childcare"),
        ("my son is dying to go to school", "education"),
        ("my daughter is dying for a place at school", "education"),
        # later, not tonight: a home to find, no emergency
        ("landlord says we must leave by the end of the month and we have nowhere to go", "housing"),
        ("the landlord is kicking us out next month, we have no place to stay", "housing"),
        ("our lease ends on the 1st and we have nowhere to stay after that", "housing"),
        ("we got an eviction notice, we must be out in 30 days, nowhere to go", "housing"),
        ("soon we will be on the street, the landlord wont renew", "housing"),
        ("nowhere to stay two weeks from now when the lease ends", "housing"),
    ],
    "fr": [
        ("je crève la dalle, y a une banque alimentaire ?", "food"),
        ("je crève de faim", "food"),
        ("ce boulot me tue, je cherche autre chose", "employment"),
        ("ça me tue ce travail", "employment"),
        ("je suis mort de fatigue, je dors plus", "mental-health"),
        ("le proprio veut nous mettre dehors le mois prochain", "housing"),
        ("j'ai perdu mon passeport", "documents"),
        ("mon fils meurt d'envie d'aller à l'école", "education"),
        ("il meurt d'envie d'aller à l'école, comment l'inscrire", "education"),
        ("elle meurt d'envie d'apprendre le français", "language"),
        ("je meurs d'envie de travailler", "employment"),
        # plus tard, pas ce soir
        ("le proprio veut me faire sortir de l'appart, je sais pas où aller le mois prochain", "housing"),
        ("on doit quitter le logement à la fin du mois et on a nulle part où aller", "housing"),
        ("fin du bail le 1er juillet, on sait pas où dormir après", "housing"),
        ("le proprio nous met dehors la semaine prochaine, pas d'endroit pour dormir", "housing"),
        ("dans 10 jours on sera mis à la porte, on a nulle part où aller", "housing"),
    ],
    "ar": [
        ("قاتلني الشغل، بدي شغلة تانية", "employment"),
        ("ميت من الجوع وما في اكل بالبيت", "food"),
        ("ميتة من التعب وما بقدر نام", "mental-health"),
        ("صاحب البيت رح يطلعنا الشهر الجاي", "housing"),
        ("ضاع جوازي", "documents"),
        ("هالشغل موتني، بدي شغل غيره", "employment"),
        ("ابني ميت على المدرسة", "education"),
        ("بموت على شغل", "employment"),
        # لاحقاً، مش الليلة
        ("صاحب البيت بدو ياخد البيت آخر الشهر وما عنا وين نروح، ما عندي وين نام", "housing"),
        ("الشهر الجاي رح نصير بالشارع، ما في مكان نام", "housing"),
        ("بعد اسبوعين بيخلص العقد وما عندي مكان انام", "housing"),
        ("el shahr el jay ma 3andi wen nam", "housing"),
    ],
    "uk": [
        ("я вмираю від втоми, не можу спати", "mental-health"),
        ("помираю з голоду, де банк їжі", "food"),
        ("ця робота мене вбиває, шукаю іншу", "employment"),
        ("через місяць нас виселять", "housing"),
        ("загубив паспорт", "documents"),
        ("умираю от усталости, бессонница", "mental-health"),
        ("син дуже хоче до школи", "education"),
        ("він помирає як хоче до школи", "education"),
        ("помираю як хочу працювати", "employment"),
        # пізніше, не сьогодні
        ("хазяїн каже до кінця місяця виїхати, нам нема куди йти", "housing"),
        ("через два тижні закінчується договір і нам ніде жити, нема де ночувати", "housing"),
        ("хозяин выгоняет нас в конце месяца, негде будет жить, негде ночевать", "housing"),
    ],
    "es": [
        ("estoy muerto de cansancio, no duermo", "mental-health"),
        ("me muero de hambre, dónde hay comida", "food"),
        ("este trabajo me está matando, busco otro", "employment"),
        ("me mata la espalda, necesito médico", "health"),
        ("nos van a desalojar el próximo mes", "housing"),
        ("perdí mi pasaporte", "documents"),
        ("mi hijo se muere por ir a la escuela", "education"),
        ("mi hija se muere de ganas de estudiar", "education"),
        ("estoy muriendo de ganas de aprender inglés", "language"),
        # más adelante, no esta noche
        ("el dueño nos va a sacar el mes que viene y no tenemos dónde quedarnos", "housing"),
        ("a fin de mes nos quedamos en la calle, no tenemos a dónde ir", "housing"),
        ("en dos semanas se vence el contrato y no tengo dónde dormir", "housing"),
    ],
    "fa": [
        ("این کار منو کشت، دنبال کار دیگه ام", "employment"),
        ("از گرسنگی مردم، غذا کجا پیدا کنم", "food"),
        ("از خستگی دارم میمیرم خوابم نمیبره", "mental-health"),
        ("ماه دیگه صاحبخونه بیرونمون میکنه", "housing"),
        ("پاسپورتم گم شده", "documents"),
        ("کمرم داره منو میکشه از درد", "health"),
        ("پسرم داره میمیره برای مدرسه", "education"),
        ("دارم میمیرم برای یه کار", "employment"),
        # بعداً، نه امشب
        ("صاحبخونه میگه تا آخر ماه باید خالی کنیم، جایی نداریم بریم", "housing"),
        ("ماه دیگه قرارداد تموم میشه، جایی برای موندن نداریم", "housing"),
        ("دو هفته دیگه باید از خونه بریم، جا نداریم", "housing"),
        ("mahe dige ja nadarim", "housing"),
    ],
}

# everyday requests that use an emergency's words (passport, kicked out, bleeding, knife...) and are
# not one: a future eviction, an office holding papers, a blood test, trouble sleeping
NOT_EMERGENCIES: dict[str, list[str]] = {
    "en": [
        "i need to take my passport to the embassy",
        "it took 3 months for my work permit",
        "the school has my documents",
        "landlord wants to evict us next month",
        "i cant sleep because of noise from the street",
        "my baby sleeps in the car seat",
        "i am pregnant, need blood test",
        "my gums bleed when i brush my teeth",
        "i have debt and need to work to pay it back",
        "where to get overdose prevention training",
        "my kids jump from the sofa all day",
        "i work for free as volunteer, want real job",
        "the baby is coming in march, need prenatal care",
        "he beat me at chess lol, looking for chess club",
        "my employer wont give me a reference letter",
        "can someone help me fill the passport renewal form",
    ],
    "fr": [
        "tu me dis où trouver un médecin",
        "je me bats pour mes enfants",
        "j'ai pris rendez-vous pour mon passeport",
        "la préfecture a gardé mon récépissé",
        "mon patron m'a viré aujourd'hui, c'est légal ?",
        "je dors mal à cause du bruit de la rue",
        "je suis enceinte, prise de sang à faire",
        "je fais une crise d'angoisse, besoin de parler",
        "je cherche une garde d'enfants, j'ai mes papiers",
        "si je pars en vacances, qui garde mes enfants",
        "je veux en finir avec ce dossier",
        "la banque garde ma carte, que faire",
    ],
    "ar": [
        "صاحب البيت ما بيرد على التلفون",
        "المكتب ما عم يرد علينا",
        "طلعت من البيت الصبح لادور شغل",
        "لازم اخد جوازي معي عالموعد",
        "عندي جواز سفر سوري",
        "صاحب البيت بدو يطلعنا الشهر الجاي",
        "انا حامل وبدي تحليل دم",
        "عندي دين للبنك ولازم اشتغل حتى سدده",
        "بسم الله الرحمن الرحيم بدي مساعدة بالاكل",
        "وجهه منفوخ من ضرسه",
        "ma3i jawazi",
        "3ayza at3allem englizi ya gama3a",
    ],
    "uk": [
        "у мене судоми в ногах вночі",
        "хазяїн квартири не відповідає на повідомлення",
        "нас виселять з квартири через місяць",
        "погано сплю через шум на вулиці",
        "треба забрати паспорт з посольства",
        "у мене болить в грудях коли кашляю",
        "син випив таблетки від кашлю, не допомагає",
        "я вагітна, треба здати аналіз крові",
    ],
    "es": [
        "mi esposo no tiene papeles y necesita trabajo",
        "me botaron del trabajo hoy",
        "me echaron del trabajo sin pagarme",
        "donde queda el banco de comida",
        "soy enfermera en venezuela quiero ejercer aqui",
        "se me acabaron las pastillas de la presion",
        "estoy embarazada y necesito análisis de sangre",
        "no tengo donde dejar a mis hijos mientras trabajo",
        "el carro se quedó sin gasolina",
        "mis hijos juegan a tirarse del sofá",
        "tengo que pagar la deuda del carro y necesito trabajo",
        "me tomé todas las pastillas que me recetó el doctor",
    ],
    "fa": [
        "صاحبخونه جواب نمیده",
        "رفتم پاسپورتمو گرفتم",
        "برای گرفتن پاسپورت کجا برم",
        "اجازه ندارم کار کنم، پول ندارم",
        "اگه برم ایران منو میکشن",
        "سر و صدای خیابون نمیذاره بخوابم",
        "توی ماشین خوابم میبره",
        "درد سینه دارم وقتی شیر میدم",
        "با چاقو دستمو بریدم",
        "حامله ام آزمایش خون لازم دارم",
    ],
}


def _cases(table: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str, str]]:
    return [(language, first, text) for language, rows in table.items() for first, text in rows]


@pytest.mark.parametrize(("language", "kind", "text"), _cases(EMERGENCIES))
def test_an_emergency_is_flagged_with_its_kind(language: str, kind: str, text: str) -> None:
    result = ENGINE.triage(Query(text=text, language=language))
    assert kind in result.emergency_kinds, (text, result.emergency_kinds)


@pytest.mark.parametrize(("language", "need", "text"), [(lang, need, text) for lang, text, need in _cases(IDIOMS)])
def test_an_idiom_is_no_emergency_and_her_need_is_still_found(language: str, need: str, text: str) -> None:
    result = ENGINE.triage(Query(text=text, language=language))
    assert not result.emergency, (text, result.emergency_kinds)
    assert need in [n.slug for n in result.needs[:3]], (text, result.needs)


@pytest.mark.parametrize(
    ("language", "text"), [(language, text) for language, texts in NOT_EMERGENCIES.items() for text in texts]
)
def test_an_everyday_request_with_an_emergencys_words_is_no_emergency(language: str, text: str) -> None:
    result = ENGINE.triage(Query(text=text, language=language))
    assert not result.emergency, (text, result.emergency_kinds)


def test_every_language_and_kind_has_statements_and_idioms() -> None:
    for language in ("en", "fr", "ar", "uk", "es", "fa"):
        kinds = {kind for kind, _text in EMERGENCIES[language]}
        assert kinds == {MEDICAL, VIOLENCE, SELF_HARM, TRAFFICKING, HOMELESS}, language
        assert len(IDIOMS[language]) >= 5, language
        # statements of losing a home later, not tonight
        assert sum(need == "housing" for _text, need in IDIOMS[language]) >= 3, language


# --- the mechanisms, on a small vocabulary ------------------------------------------------------


def test_an_idiom_cancels_only_the_emergency_terms_it_overlaps() -> None:
    vocabulary = compile_vocabulary(
        "en",
        {
            "needs": {"employment": ["job"]},
            "emergency": {"violence": ["killing me", "hits me"]},
            "idioms": {"violence": ["job is killing me"]},
            "stopwords": ["my", "is", "and", "he"],
        },
    )
    engine = Engine({"en": vocabulary}, [])
    assert not engine.triage(Query(text="this job is killing me", language="en")).emergency
    assert engine.triage(Query(text="he is killing me", language="en")).emergency
    both = engine.triage(Query(text="this job is killing me and he hits me", language="en"))
    assert both.emergency_kinds == ("violence",)


def test_an_idiom_of_any_kind_also_cancels_combinations() -> None:
    vocabulary = compile_vocabulary(
        "fr",
        {"emergency": {}, "idioms": {"any": ["ça me tue"]}},
        {"violence": [[["tue"], ["me"]]]},
    )
    engine = Engine({"fr": vocabulary}, [])
    assert not engine.triage(Query(text="ça me tue ce travail", language="fr")).emergency
    assert engine.triage(Query(text="il me tue", language="fr")).emergency_kinds == ("violence",)


def test_a_problem_placed_later_and_not_now_is_no_emergency_of_tonight() -> None:
    vocabulary = compile_vocabulary(
        "en",
        {
            "needs": {"housing": ["landlord"]},
            "emergency": {"homeless-tonight": ["nowhere to sleep"], "violence": ["hits me"]},
            "later": ["next month", "in 2 weeks", "weeks from now"],
            "now": ["tonight", "now"],
            "stopwords": ["the", "and", "he"],
        },
    )
    engine = Engine({"en": vocabulary}, [])
    assert engine.triage(Query(text="nowhere to sleep", language="en")).emergency_kinds == ("homeless-tonight",)
    later = engine.triage(Query(text="the landlord says nowhere to sleep next month", language="en"))
    assert not later.emergency
    # the words still say what she needs, as plainly as the emergency would have
    assert [need.slug for need in later.needs] == ["housing"]
    assert "nowhere to sleep" in later.needs[0].evidence
    now = engine.triage(Query(text="nowhere to sleep tonight, the flat is free next month", language="en"))
    assert now.emergency_kinds == ("homeless-tonight",)
    # a number in digits stands for any number; "now" within an expression of later is not now
    assert not engine.triage(Query(text="nowhere to sleep in 10 weeks", language="en")).emergency
    assert not engine.triage(Query(text="nowhere to sleep 3 weeks from now", language="en")).emergency
    # only tonight's emergency waits: the others are not about tonight
    both = engine.triage(Query(text="next month nowhere to sleep and he hits me", language="en"))
    assert both.emergency_kinds == ("violence",)


def test_only_her_languages_expressions_say_later_but_any_languages_say_now() -> None:
    vocabularies = {
        "en": compile_vocabulary("en", {"emergency": {"homeless-tonight": ["nowhere to sleep"]}}),
        "fr": compile_vocabulary("fr", {"later": ["le mois prochain"], "now": ["ce soir"]}),
        "es": compile_vocabulary("es", {"later": ["el mes que viene"], "now": ["esta noche"]}),
    }
    engine = Engine(vocabularies, [])
    # another language's "later" does not make her statement wait...
    assert engine.triage(Query(text="nowhere to sleep, le mois prochain", language="en")).emergency
    # ...but in her language it does, and any language's "now" brings it back
    assert not engine.triage(Query(text="nowhere to sleep el mes que viene", language="es")).emergency
    assert engine.triage(Query(text="nowhere to sleep el mes que viene ce soir", language="es")).emergency


def test_arabizi_and_finglish_emergency_terms_match_other_spellings_by_their_skeleton() -> None:
    assert skeleton("tal3ouna", "ar") == skeleton("tala3ona", "ar") == skeleton("tl3na", "ar")
    assert skeleton("yedrobni", "ar") == skeleton("ydrobni", "ar")
    assert skeleton("5ad", "ar") == skeleton("khad", "ar")
    assert skeleton("mizaneh", "fa") == skeleton("mizane", "fa")
    assert skeleton("طلعونا", "ar") is None
    vocabulary = compile_vocabulary(
        "ar", {"needs": {"education": ["jam3a"]}, "emergency": {"homeless-tonight": ["tal3ouna"]}}
    )
    engine = Engine({"ar": vocabulary}, [])
    assert engine.triage(Query(text="tala3una mn el bet", language="ar")).emergency
    # a need is not matched by its skeleton: "gama3a" (folks) is not "jam3a" (university)
    assert not engine.triage(Query(text="ya gama3a", language="ar")).needs


def test_ukrainian_typed_on_a_russian_keyboard_and_persian_verbs_with_or_without_zwnj_are_one() -> None:
    assert words("ніде їсти, є", "uk") == words("ниде исти, е", "uk") == words("нiде iсти, е", "uk")
    assert words("نمی‌کشه", "fa") == words("نمی کشه", "fa") == words("نمیکشه", "fa") == ("نمیکشه",)
    assert words("nafas nemi keshe", "fa") == ("nafas", "nemikeshe")


def test_another_languages_emergency_term_does_not_read_a_word_hers_understood() -> None:
    vocabularies = {
        "es": compile_vocabulary("es", {"needs": {"health": ["enfermera"]}, "emergency": {}}),
        "fr": compile_vocabulary("fr", {"emergency": {"trafficking": ["enfermés"]}}),
    }
    engine = Engine(vocabularies, [])
    assert not engine.triage(Query(text="soy enfermera", language="es")).emergency
    # ...but it still reads her words that her language left alone
    assert engine.triage(Query(text="estamos enfermés", language="es")).emergency


def test_an_idiom_matches_as_written_and_does_not_cancel_a_neighbouring_form() -> None:
    vocabulary = compile_vocabulary(
        "fa",
        {"emergency": {}, "idioms": {"trafficking": ["پاسپورتمو گرفتم"]}},
        {"trafficking": [[["پاسپورتمو"], ["گرفت", "گرفته"]]]},
    )
    engine = Engine({"fa": vocabulary}, [])
    assert not engine.triage(Query(text="رفتم پاسپورتمو گرفتم", language="fa")).emergency  # I got it
    assert engine.triage(Query(text="کارفرما پاسپورتمو گرفت", language="fa")).emergency  # he took it


def test_arabic_emergency_terms_are_matched_without_the_stemmer() -> None:
    # the stemmer makes "طلعوني" (they threw me out) and "طلعت" (I went out) one word
    vocabulary = compile_vocabulary("ar", {"emergency": {"homeless-tonight": ["طلعوني من البيت"]}})
    engine = Engine({"ar": vocabulary}, [])
    assert engine.triage(Query(text="وطلعوني من البيت", language="ar")).emergency
    assert not engine.triage(Query(text="طلعت من البيت الصبح", language="ar")).emergency
