"""The words people use for each canonical attribute value, in English and Chinese.

The schema's starter lists (attributes.json) are a floor; these tables add the synonyms, plurals,
inflections, shade names, measure words and common speech-recognition spellings that real
speakers produce. Every entry maps a phrase to a (kind, value) pair:

- kind is a slot name ("subject", "outfit", ...) with a canonical value, or
- "color" (value: a canonical colour; the parser decides which slot it binds to), or
- a helper kind the parsers use for binding and scope: "hair_noun", "eye_noun", "garment"
  (clothes without a schema value: binds a colour to outfit_color), "thing" (a noun outside the
  schema: a colour before it is dropped), "count" (value: int), "shade" (ignored modifier),
  "length" (long/short, a hair style only next to a hair noun).

Kept as Python literals so importing costs no file parsing; the indexes are built on first use.
Design decisions worth knowing:
- "little girl"/"小女孩" stay `girl` (the gender is the more specific fact; `child` is for
  kid/child/孩子/小孩/小朋友). "old man"/"老人"/"老爷爷" are `man` ("老人与海" is "The Old Man
  and the Sea"); "old woman"/"老奶奶" are `woman`.
- A colour before an animal ("a black cat") is not a slot: the schema has no fur colour; only
  an explicit "fur"/"毛" binds to hair_color.
- "twins"/"双胞胎" and "a pair of"/"a couple of" count 2.
"""

from __future__ import annotations

from functools import lru_cache

# ----------------------------------------------------------------------------------------------
# English. Each value: phrases separated by "|". Phrases are matched on whole lower-case tokens.
EN: dict[str, dict[str, str]] = {
    "subject": {
        "girl": "girl|girls|young woman|young women|young lady|schoolgirl|schoolgirls|school girl|"
                "little girl|teenage girl|teen girl|lass|maiden|princess|gal|daughter|sister|"
                "sisters|twin sisters|magical girl|idol|waitress|heroine|bishoujo|shoujo|gurl|ballerina|"
                "waifu|girlfriend|granddaughter|maid|maids|schoolgirl uniform girl|tomboy",
        "boy": "boy|boys|young man|young men|schoolboy|schoolboys|school boy|little boy|lad|"
               "teenage boy|teen boy|prince|son|brother|brothers|twin brothers|bishounen|shounen|"
               "boyfriend|grandson|schoolboys",
        "woman": "woman|women|lady|ladies|old woman|old lady|grandma|grandmother|granny|"
                 "mother|mom|mum|queen|witch|female|wife|aunt|madam|housewife|mature woman|bride|nun|"
                 "policewoman|businesswoman|actress|grandmothers|empress|goddess|lady knight",
        "man": "man|men|old man|old men|gentleman|gentlemen|guy|guys|dude|grandpa|grandfather|"
               "father|dad|king|male|husband|uncle|fellow|businessman|samurai|knight|wizard|"
               "old guy|elderly man|mister|groom|policeman|salaryman|monk|priest|butler|emperor|"
               "old timer|fisherman|cowboy|god",
        "child": "child|children|kid|kids|toddler|toddlers|baby|babies|little one|little kid|"
                 "youngster|infant|kiddo|schoolchild|schoolchildren|preschooler|tot|tots|"
                 "kindergartener|kindergartner|little kids",
        "cat": "cat|cats|kitten|kittens|kitty|kitties|kitteh|feline|moggy|pussycat|neko|tabby|"
               "tabby cat|tomcat|calico|calico cat|siamese cat|maine coon|kitty cat",
        "dog": "dog|dogs|puppy|puppies|pup|pups|doggy|doggie|doggo|hound|canine|shiba|shiba inu|"
               "corgi|husky|golden retriever|retriever|poodle|labrador|pooch|mutt|pupper|puppers|"
               "dalmatian|beagle|pug|bulldog|chihuahua|german shepherd|akita|samoyed|dachshund|"
               "terrier|collie|border collie|greyhound|doggies",
        "person": "person|people|someone|somebody|human|humans|character|figure|individual|"
                  "student|students|teenager|teenagers|teen|adult|adults|traveler|traveller|"
                  "anyone|elderly person|old person|friend|friends|best friends|pal|pals|buddy|"
                  "buddies|lovers|mage|elf|elves|angel|fairy|ninja|pirate|vampire|warrior|hero|"
                  "astronaut|doctor|nurse|teacher|chef|detective|soldier",
    },
    "count": {
        "1": "one|1|single|a single|just one|only one",
        "2": "two|2|pair of|a pair of|couple of|a couple of|couple|twin|twins|both|duo of|a duo of|"
             "a couple|pair",
        "3": "three|3|trio of|a trio of",
        "4": "four|4", "5": "five|5", "6": "six|6", "7": "seven|7", "8": "eight|8",
        "9": "nine|9", "10": "ten|10", "11": "eleven|11", "12": "twelve|12|a dozen|dozen",
        "13": "thirteen|13", "14": "fourteen|14", "15": "fifteen|15", "16": "sixteen|16",
        "17": "seventeen|17", "18": "eighteen|18", "19": "nineteen|19", "20": "twenty|20",
    },
    "color": {
        "black": "black|jet black|jet-black|ebony|raven|raven black|pitch black|onyx|inky",
        "brown": "brown|chestnut|chocolate|brunette|brunet|hazel|tan|beige|caramel|"
                 "mocha|bronze|auburn brown|light brown|dark brown|khaki|umber|sepia",
        "blonde": "blonde|blond|blondie|platinum blonde|platinum|flaxen|honey blonde|"
                  "strawberry blonde|dirty blonde|towheaded",
        "red": "red|crimson|scarlet|maroon|burgundy|cherry red|ruby|wine red|wine|auburn|"
               "vermilion|blood red|rust|cardinal|carmine|reddish|redhead|red haired",
        "orange": "orange|ginger|tangerine|amber|peach|coral|apricot|copper|orangey|orangish",
        "yellow": "yellow|lemon|mustard|canary|yellowish|butter yellow",
        "green": "green|emerald|lime|olive|mint|jade|forest green|sea green|teal green|"
                 "greenish|sage|chartreuse",
        "blue": "blue|navy|navy blue|azure|cyan|aqua|turquoise|teal|cobalt|sapphire|indigo|"
                "sky blue|light blue|dark blue|royal blue|baby blue|cerulean|aquamarine|bluish|"
                "blueish|ice blue",
        "purple": "purple|violet|lavender|lilac|plum|mauve|magenta purple|amethyst|purplish|"
                  "orchid|grape|periwinkle",
        "pink": "pink|rose pink|hot pink|magenta|fuchsia|salmon|rosy|pinkish|baby pink|"
                "bubblegum|blush pink|cherry blossom pink|sakura pink|pastel pink",
        "white": "white|snow white|snow-white|ivory|cream|milky|pearl|pure white|off white|"
                 "whitish|alabaster|snowy white",
        "silver": "silver|silvery|silver white|platinum silver|metallic silver",
        "gray": "gray|grey|ash|ashen|charcoal|slate|graphite|greyish|grayish|ash gray|ash grey|"
                "smoky|gunmetal|steel gray|steel grey|salt and pepper|salt-and-pepper",
        "gold": "gold|golden|gilded|gilt|golden yellow",
    },
    "hair_noun": {"hair": "hair|haired|hairs|hairstyle|hair style|hairdo|haircut|hair cut|locks|"
                          "mane|tresses|fur|furred|bangs|fringe|head of hair"},
    "eye_noun": {"eyes": "eye|eyes|eyed|pupils|irises|iris|eye color|eye colour"},
    "garment": {"clothes": "clothes|clothing|outfit|outfits|attire|garment|garments|costume|"
                           "pants|trousers|jeans|shorts|overalls|robe|robes|cloak|cape|vest|"
                           "tank top|top|leggings|tracksuit|pajamas|pyjamas|apron|gear|garb|"
                           "uniform shirt|getup|clothed|wear|dressed in|police uniform|military uniform|"
                           "nurse uniform|nurse outfit|sports uniform|gym uniform|work uniform|"
                           "army uniform|pilot uniform|chef uniform|soccer uniform|"
                           "baseball uniform|nurse costume|police outfit|waistcoat|jumpsuit|romper|"
                           "dungarees|leotard|poncho|crop top|cheerleader outfit|sportswear"},
    "length": {"long": "long|longer|lengthy|waist length|waist-length|flowing|very long",
               "short": "short|shorter|cropped|very short|pixie"},
    "shade": {"_": "light|dark|fair|pale|bright|deep|pastel|vivid|neon|hot|soft|rich|vibrant|"
                   "colored|coloured|color|colour|tinted|dyed|shiny|glowing|sparkling|"
                   "fluffy|silky|messy|wavy|straight|spiky|beautiful|pretty|cute|"
                   "lovely|nice|big|small|little|sparkly|fancy|elegant|simple|plain|"
                   "cozy|cosy|thick|thin|warm|frilly|lacy|sleeveless|summer|winter|"
                   "wool|woolen|woollen|knit|knitted|leather|denim|silk|cotton|shimmering|"
                   "striped|checkered|plaid|floral|traditional|old|new|stylish|"
                   "sailor|torn|ragged|loose|tight|baggy|oversized|slightly|very|really|"
                   "super|kinda|kind of|sort of|all|entirely|completely|mostly|"
                   "-ish|ish|shade of|shades of|tone|toned|hued|hue|flower pattern|"
                   "flower patterns|flower print|floral pattern|floral print|flowered|flowery|"
                   "polka dot|polka dots|polka dotted|pattern|patterned|print|printed"},
    "hair_style": {
        "long": "long hair|long-haired|long haired|longhaired|hair down to her waist",
        "short": "short hair|short-haired|short haired|shorthaired|short cut|cropped hair|"
                 "pixie cut|pixie haircut|buzz cut|buzzcut|crew cut|buzzed hair|shaved head",
        "ponytail": "ponytail|ponytails|pony tail|pony tails|pony-tail|high ponytail|"
                    "side ponytail|side tail|ponytailed|tied back hair|hair tied back|"
                    "hair in a ponytail|pony tale|pony tales|poney tail|pony tell|pony tells",
        "twintails": "twintails|twintail|twin tails|twin tail|twin-tails|twin-tail|"
                     "twin tales|twin tale|pigtails|pigtail|pig tails|pig tail|"
                     "two ponytails|twin ponytails|double ponytail|double ponytails|"
                     "twin ponytail|twin buns|odango|two pigtails|twin-tailed|twintailed|twin tells|twin tell|"
                     "twin braids tails",
        "braid": "braid|braids|braided|braided hair|plait|plaits|plaited|french braid|"
                 "twin braids|two braids|pigtail braids|cornrows|braided ponytail",
        "bob": "bob|bob cut|bobcut|bob haircut|bobbed|bobbed hair|bob hair|bob hairstyle|"
               "short bob|bob-cut",
        "curly": "curly|curly hair|curls|curled|curled hair|curly-haired|curly haired|"
                 "wavy hair|ringlets|perm|permed|frizzy|afro|kinky hair|curlyhair",
    },
    "outfit": {
        "dress": "dress|dresses|gown|gowns|sundress|frock|wedding dress|ball gown|evening gown|"
                 "party dress|summer dress|maid dress|maid outfit|lolita dress|cheongsam|qipao|"
                 "sun dress|dres|dresss|nightgown|night gown|nightdress|hanbok|maid uniform|"
                 "maid costume|pinafore|apron dress",
        "school uniform": "school uniform|school uniforms|uniform|uniforms|sailor uniform|"
                          "sailor suit|seifuku|school outfit|school clothes|blazer uniform|"
                          "schooluniform|sailor fuku|gakuran",
        "kimono": "kimono|kimonos|yukata|yukatas|hakama|kimona|haori|hanfu|furisode",
        "hoodie": "hoodie|hoodies|hoody|hoodys|sweatshirt|sweatshirts|hooded sweatshirt|"
                  "hooded jacket|hooded top|hoodie jacket|pullover hoodie|hooodie|hudi",
        "suit": "suit|suits|tuxedo|tux|business suit|three piece suit|suit and tie|suite|"
                "formal suit|blazer and tie",
        "t-shirt": "t-shirt|t-shirts|t shirt|t shirts|tshirt|tshirts|tee|tees|tee shirt|"
                   "tee-shirt|graphic tee|tee shirts",
        "jacket": "jacket|jackets|leather jacket|bomber jacket|denim jacket|blazer|windbreaker|"
                  "parka|jackit|varsity jacket|bomber|anorak|puffer jacket|puffer",
        "sweater": "sweater|sweaters|jumper|pullover|cardigan|turtleneck|knit sweater|"
                   "sweeter|swetter|sweatter",
        "coat": "coat|coats|overcoat|trench coat|trenchcoat|raincoat|rain coat|peacoat|"
                "winter coat|lab coat|fur coat|duffle coat|long coat",
        "swimsuit": "swimsuit|swimsuits|bikini|bikinis|swimwear|bathing suit|swimming suit|"
                    "swimming costume|swim suit|one piece swimsuit|swimming trunks|trunks|"
                    "school swimsuit|swimsuite|swim wear|swimming wear|beach wear|beachwear|one piece|"
                    "one-piece|wetsuit",
        "armor": "armor|armour|armors|armours|suit of armor|suit of armour|plate armor|"
                 "knight armor|armored|armoured|chainmail|chain mail|battle armor",
        "shirt": "shirt|shirts|blouse|blouses|button up shirt|button-up shirt|dress shirt|"
                 "button down|polo shirt|polo|collared shirt|shrit",
        "skirt": "skirt|skirts|miniskirt|mini skirt|pleated skirt|short skirt|long skirt|"
                 "tutu|skort",
    },
    "accessories": {
        "glasses": "glasses|bespectacled|eyeglasses|eye glasses|spectacles|specs|sunglasses|sun glasses|"
                   "shades|goggles|eyewear|monocle|glases|glasess|galsses|glasses on|"
                   "pair of glasses|pair of specs|round glasses|reading glasses",
        "hat": "hat|hats|cap|caps|beanie|beanies|beret|berets|straw hat|sun hat|sunhat|"
               "top hat|witch hat|witch's hat|fedora|baseball cap|helmet|bonnet|cowboy hat|"
               "bucket hat|wizard hat|santa hat|party hat|tophat|stetson|sombrero|"
               "hard hat|trilby|panama hat|bowler hat|sunbonnet|headwear",
        "headphones": "headphones|headphone|head phones|head phone|headset|headsets|"
                      "earphones|earphone|ear phones|earbuds|ear buds|earmuffs|headfones|"
                      "head-phones|headphones on|ear muffs|ear muff|earmuff",
        "ribbon": "ribbon|ribbons|bow|bows|hair ribbon|hair bow|hairbow|hair ribbons|"
                  "hair tie|ribbon bow|bow tie|bowtie|riband|hairband|hair band|headband|scrunchie|"
                  "scrunchies",
        "scarf": "scarf|scarves|scarfs|muffler|neck scarf|shawl|bandana|neckerchief|scaf|"
                 "scarve|headscarf|head scarf",
        "cat ears": "cat ears|cat ear|cat-ears|catears|cats ears|cat years|cats years|kitty ears|neko ears|nekomimi|"
                    "cat ear headband|cat-ear headband|kitten ears|animal ears|fox ears|"
                    "cat eared|cat-eared",
        "umbrella": "umbrella|umbrellas|parasol|parasols|brolly|umbrela|umbrellla|"
                    "umberella|umbrelly",
        "backpack": "backpack|backpacks|back pack|rucksack|knapsack|schoolbag|school bag|"
                    "bookbag|book bag|randoseru|daypack|bag pack|backpak|backback",
        "crown": "crown|crowns|tiara|tiaras|diadem|coronet|circlet|crowned",
        "mask": "mask|masks|face mask|fox mask|masked|surgical mask|oni mask|"
                "masquerade mask|gas mask|mascara mask",
        "earrings": "earrings|earring|ear rings|ear ring|ear-rings|studs|hoop earrings|"
                    "earings|ear piercings|earing|hoops|hoop|dangly earrings|pearl earrings",
        "flower": "flower|flowers|rose|roses|bouquet|a flower|lily|lilies|daisy|daisies|"
                  "tulip|tulips|sunflower|sunflowers|blossom|flower crown|flower in her hair|"
                  "flower in his hair|flower hairpin|hair flower|posy|flour|orchid|orchids|hibiscus|"
                  "peony|peonies|lotus|lavender sprig|carnation|carnations",
    },
    "action": {
        "standing": "standing|stands|stand|standing up|stood|standin|standing still|"
                    "posing|stands up",
        "sitting": "sitting|sits|sit|seated|sitting down|sat|sittin|perched|kneeling|"
                   "sitting on|squatting|crouching",
        "running": "running|runs|run|sprinting|sprints|sprint|jogging|jogs|jog|dashing|"
                   "dashes|racing|runnin|rushing|running around",
        "walking": "walking|walks|walk|strolling|strolls|stroll|wandering|wanders|hiking|"
                   "hikes|taking a walk|going for a walk|on a walk|walkin|stepping|"
                   "walking around|strolling along|marching",
        "reading": "reading|reads|read a book|reading a book|reading a novel|reads a book|"
                   "reading books|reading a magazine|reading manga|reading a letter|readin|"
                   "with a book|holding a book|nose in a book|studying|reading the newspaper",
        "waving": "waving|waves hello|waves goodbye|waves at|waves her hand|waves his hand|"
                  "wave hello|waving hello|waving goodbye|waving her hand|waving his hand|"
                  "waving at|waves to|waving to|wavin|wave at",
        "dancing": "dancing|dances|dance|dancin|ballet|twirling|spinning around|"
                   "doing a dance|dancer|dancers|waltzing",
        "sleeping": "sleeping|sleeps|sleep|asleep|napping|naps|nap|taking a nap|dozing|"
                    "dozing off|fast asleep|sound asleep|slumbering|snoozing|"
                    "sleepin|falling asleep|lying asleep|curled up asleep|slept|sleepy",
        "singing": "singing|sings|sing|singing a song|singer|singers|humming|singin|"
                   "karaoke|performing a song",
        "eating": "eating|eats|eat|having lunch|having dinner|having breakfast|having a meal|"
                  "munching|snacking|eating ramen|eating cake|eating ice cream|"
                  "eating an apple|biting|nibbling|chowing|eatin|having a snack|dining|having a picnic|"
                  "picnicking|feasting",
        "drinking": "drinking|drinks|drink|sipping|sips|sip|drinking tea|drinking coffee|"
                    "having tea|having coffee|having a drink|drinkin|glass of|cup of|"
                    "sipping tea|sipping coffee|having a cup of",
        "playing guitar": "playing guitar|playing the guitar|plays guitar|plays the guitar|"
                          "play guitar|play the guitar|guitar|guitars|strumming|"
                          "strumming a guitar|strumming the guitar|guitarist|with a guitar|"
                          "playing a guitar|playing an acoustic guitar|playing electric guitar|"
                          "acoustic guitar|electric guitar|gitar|guitare|playin guitar|playing bass|"
                          "playing the bass|bass guitar|ukulele|playing the ukulele|"
                          "playing a ukulele",
        "flying": "flying|flies|fly|soaring|soars|gliding|floating in the air|in flight|"
                  "flying through the sky|flyin|hovering|levitating|floating|floats|drifting",
        "swimming": "swimming|swims|swim|swimmin|diving|paddling|taking a swim|going for a swim",
    },
    "expression": {
        "smiling": "smiling|smiles|smile|smiley|grinning|grins|grin|happy|cheerful|joyful|"
                   "glad|beaming|smilin|with a smile|big smile|bright smile|gentle smile|"
                   "delighted|pleased|happier|smiley face|cheery|excited|overjoyed|merry|jolly|happily|smilling|smileing",
        "laughing": "laughing|laughs|laugh|giggling|giggles|giggle|chuckling|chuckles|"
                    "laughter|cracking up|laughin|lauging|laghing",
        "crying": "crying|cries|cry|weeping|weeps|sobbing|sobs|in tears|teary|tearful|"
                  "tears|teary-eyed|teary eyed|bawling|cryin|crys|with tears|tearing up|teared up|"
                  "tearing up|crying her eyes out",
        "angry": "angry|mad|furious|annoyed|grumpy|irritated|enraged|frowning|scowling|"
                 "angrily|pissed|fuming|rage|raging|irate|angery|angy|pouting",
        "surprised": "surprised|shocked|astonished|amazed|startled|stunned|astounded|"
                     "surprise|in surprise|wide-eyed|wide eyed|suprised|surprized|gasping",
        "serious": "serious|stern|solemn|stoic|determined|focused|straight face|"
                   "straight-faced|expressionless|emotionless|"
                   "no expression|blank expression|serios|seriously|pensive|thoughtful|"
                   "solemnly",
        "shy": "shy|blushing|blush|blushes|bashful|embarrassed|timid|flustered|shyly|"
               "sheepish|coy|red-faced|red faced|shyness|nervous|nervously|awkward",
        "sad": "sad|unhappy|sorrowful|gloomy|melancholy|melancholic|depressed|lonely|"
               "upset|heartbroken|miserable|sadder|unhappier|sadly|mournful|downcast|dejected|glum|"
               "blue mood|forlorn|sadness|sorrow|gloomily",
    },
    "setting": {
        "beach": "beach|beaches|seaside|sea side|seashore|sea shore|shore|shoreline|coast|"
                 "coastline|by the sea|by the ocean|at the sea|the sea|ocean|sea|sand|sandy|"
                 "sandy beach|beachside|on the sand|oceanside|waterfront|bay|surf|beech|"
                 "beaches|seaside town|by the water|harbor|harbour|pier|boardwalk|dock|docks|"
                 "marina|seawall|port town",
        "cherry blossoms": "cherry blossom|cherry blossoms|cherry blossom tree|"
                           "cherry blossom trees|cherry tree|cherry trees|sakura|"
                           "sakura tree|sakura trees|cherry-blossom|cherryblossom|"
                           "cherry blossum|cherry blossums|blossoming cherry|"
                           "blossoming trees|cherry flowers|cherry blossoming|"
                           "cherry bloom|cherry blooms|sakura blossoms",
        "forest": "forest|forests|woods|woodland|woodlands|jungle|rainforest|grove|"
                  "among the trees|bamboo forest|forrest|forest path|thicket",
        "city": "city|cities|city centre|city center|downtown|town|urban|metropolis|"
                "cityscape|skyline|skyscrapers|skyscraper|big city|town square|"
                "city streets|neon city|tokyo|new york|shibuya|city lights|citys|cty",
        "classroom": "classroom|classrooms|class room|class|school|at school|in school|"
                     "in class|lecture hall|schoolroom|homeroom|class-room|clasroom",
        "park": "park|parks|playground|public park|city park|the park|parc|parkland",
        "mountain": "mountain|mountains|mountaintop|mountain top|mountainside|hill|hills|"
                    "hilltop|hillside|peak|summit|cliff|cliffs|alps|mount|mountian|"
                    "mountains top|on a mountain",
        "snow field": "snow field|snowfield|snowfields|snow fields|snowy field|"
                      "field of snow|snowy plain|snowy plains|snowy meadow|tundra|"
                      "snow covered field|snow-covered field|snowy landscape|snow plain",
        "street": "street|streets|road|roads|alley|alleyway|alleys|sidewalk|avenue|lane|"
                  "crosswalk|pavement|boulevard|on the road|down the street|streat|"
                  "street corner|back alley|side street|road side|roadside|city street|busy street|"
                  "bus stop|crossroads|intersection|crosswalks|shopping street|bus station",
        "cafe": "cafe|café|cafes|coffee shop|coffee shops|coffeehouse|coffee house|"
                "tea house|teahouse|tea room|bakery|diner|bistro|kafe|caffe|coffee place|restaurant|"
                "noodle shop|ramen shop|tea shop|ice cream shop|cake shop|pastry shop|canteen",
        "library": "library|libraries|bookstore|book store|bookshop|book shop|study room|"
                   "reading room|libary|liberry|bookshelves|among bookshelves",
        "space": "space|outer space|in space|galaxy|cosmos|universe|the stars|among the stars|"
                 "on the moon|spaceship|space station|starfield|nebula|orbit|the moon surface",
        "garden": "garden|gardens|flower garden|backyard|back yard|yard|greenhouse|"
                  "courtyard|rose garden|zen garden|gardin|flowerbed|flower bed",
        "rooftop": "rooftop|rooftops|roof|roofs|roof top|on the roof|on a roof|rooftop terrace|"
                   "top of a building|top of the building|building top|roof-top",
        "lake": "lake|lakes|lakeside|lake side|lakeshore|pond|ponds|by the lake|lakefront|"
                "reservoir|river|riverside|river bank|riverbank|stream|lagoon",
        "field": "field|fields|meadow|meadows|grassland|grasslands|prairie|pasture|"
                 "flower field|field of flowers|sunflower field|field of sunflowers|fields of flowers|"
                 "sunflower fields|flower fields|wheat field|rice field|"
                 "rice paddy|paddy|grassy field|lawn|countryside|farmland|feild|plains",
        "castle": "castle|castles|palace|palaces|fortress|citadel|throne room|chateau|"
                  "in a castle|castel|kastle|royal palace|ballroom",
        "bedroom": "bedroom|bedrooms|bed room|bed|in bed|her room|his room|my room|their room|"
                   "bedside|dorm room|bed-room|bedrom",
        "train station": "train station|train stations|station|railway station|"
                         "railroad station|subway station|metro station|platform|"
                         "train platform|subway|railway|train|trains|trainstation|"
                         "railway platform",
        "shrine": "shrine|shrines|temple|temples|torii|torii gate|shinto shrine|pagoda|"
                  "shrine gate|jinja|shrien",
    },
    "time_of_day": {
        "morning": "morning|mornings|early morning|dawn|sunrise|sun rise|sun rises|"
                   "sun is rising|sun comes up|sun coming up|rising sun|daybreak|"
                   "in the morning|at dawn|first light|mornin|breakfast time|"
                   "morning light|early hours|moring",
        "day": "day|daytime|day time|daylight|midday|noon|afternoon|during the day|"
               "broad daylight|in the day|day-time|lunchtime|high noon|in the afternoon",
        "sunset": "sunset|sunsets|sun set|sun sets|sun is setting|sun goes down|"
                  "sun going down|sun was setting|sun went down|dusk|twilight|evening|sundown|golden hour|"
                  "at dusk|at twilight|in the evening|setting sun|sun setting|nightfall|"
                  "evening glow|afterglow|sunset glow|sunsetting|sunsett",
        "night": "night|nights|nighttime|night time|night-time|at night|midnight|tonight|"
                 "starry night|starry sky|moonlight|moonlit|under the moon|under the stars|"
                 "full moon|at midnight|late at night|dark night|moonlit night|nite|"
                 "knight time|nightime|overnight|night sky|moon|the moon|moonrise|stars|starry|"
                 "after dark|in the dark|crescent moon|starlight|starlit",
    },
    "weather": {
        "sunny": "sunny|sunshine|sunlit|sunlight|clear sky|clear skies|bright sun|"
                 "sunny day|sun|sunny weather|blue sky|blue skies|sunnny|sunshiny",
        "rain": "rain|rainy|raining|rains|rainfall|drizzle|drizzling|downpour|storm|stormy|"
                "thunderstorm|in the rain|showers|rainy day|pouring|rainstorm|raindrops|"
                "raning|rainning|reign|thunder|lightning|thundering",
        "snow": "snow|snowing|snowy|snowfall|snowflakes|snowflake|blizzard|snows|"
                "snowstorm|in the snow|falling snow|snowy day|snoing|snowwing|sleet|snowflakes falling",
        "cloudy": "cloudy|clouds|overcast|cloudy sky|grey sky|gray sky|gloomy sky|"
                  "cloud|clouded|foggy|fog|misty|mist|haze|hazy|cloudly|cloudey|gloomy day|"
                  "grey day|gray day|overcast day",
    },
    "style": {
        "hayao": "miyazaki|hayao miyazaki|hayao|ghibli|studio ghibli|ghibli style|"
                 "spirited away|totoro|my neighbor totoro|howl's moving castle|"
                 "howls moving castle|princess mononoke|kiki's delivery service|"
                 "ponyo|miyasaki|miazaki|miyazake|gibli|jibli|ghibly|giblee|jiblee|"
                 "studio jibli|studio gibli|hayao's|castle in the sky|nausicaa|jibbly|gibbly|"
                 "ghiblie|jiblie|jibli style|studio jibbly|studio gibbly",
        "shinkai": "shinkai|makoto shinkai|makoto|your name|kimi no na wa|weathering with you|"
                   "suzume|5 centimeters per second|five centimeters per second|"
                   "garden of words|the garden of words|shinkei|shin kai|shinkay|"
                   "makato shinkai|makoto shinkay|shinkai's",
        "paprika": "paprika|satoshi kon|satoshi|kon|perfect blue|tokyo godfathers|"
                   "millennium actress|paprica|paprica style|satoshi khan|satoshi con|"
                   "kon's|papurika",
        "face_paint": "portrait|portraits|face paint|face-paint|facepaint|face painting|"
                      "headshot|head shot|close-up|closeup|close up|close up portrait|"
                      "profile picture|avatar|bust shot|face portrait|portrait style|"
                      "face close-up|portrait of|selfie|portret|protrait",
    },
    "thing": {
        "_": "beard|beards|moustache|mustache|goatee|car|cars|bike|bicycle|motorcycle|sky|"
             "skies|wall|walls|house|door|ball|balloon|balloons|bag|handbag|purse|shoes|"
             "shoe|boots|boot|sneakers|socks|stockings|gloves|glove|tie|necklace|collar|"
             "wings|wing|tail|tails|butterfly|butterflies|bird|birds|fish|apple|leaves|"
             "leaf|tree|trees|grass|water|lantern|lanterns|lights|fire|book|books|"
             "cup|mug|phone|sword|swords|staff|wand|horse|dragon|sun rays|"
             "smoke|lipstick|nails|nail polish|makeup|bench|chair|sofa|couch|table|desk|"
             "bowl|plate|cake|tea|coffee|kite|waves|wave|petals|feather|feathers|fox|"
             "rabbit|bunny|bear|teddy bear|panda|bracelet|ring|rings|belt|watch|scooter|"
             "train car|boat|ship|surfboard|skateboard|sled|lamp|candle|bow and arrow|"
             "background|backdrop|lips|cheeks|skin|tongue|nose|face|ears|ear|carnival|festival|"
             "parade|concert|fireworks|firework|hail|platform shoes|platform boots|"
             "platform heels|gas station|police station|fire station|radio station|"
             "weather station|charging station|flower pot|flowerpot|parking lot|parking space|"
             "world class|first class|high class|top class|business class|swimming pool|"
             "sleeping bag|reading lamp|walking stick|dance party|drinking glass|running shoes|"
             "dancing shoes|after school|before school|school bus|school trip|drinking fountain|"
             "sleeping mask|swimming cap|flying saucer|singing bird|songbird|trainers|sandals|"
             "heels|high heels|loafers|slippers|wellies|flip flops|clogs|veil",
    },
}

# Words that a speech recogniser writes for another word that sounds alike; applied to single
# tokens before matching ("blew hair" -> "blue hair", "twin tales" -> "twin tails").
EN_SOUNDALIKE: dict[str, str] = {
    "blew": "blue", "hare": "hair", "heir": "hair", "tales": "tails", "tale": "tail",
    "grey": "gray", "colour": "color", "coloured": "colored", "armour": "armor",
    "whether": "weather", "reign": "rain", "knite": "night", "bloo": "blue",
    "pinc": "pink", "purpel": "purple", "silber": "silver", "yello": "yellow",
    "yelow": "yellow", "brwn": "brown", "oringe": "orange", "grean": "green", "gren": "green",
    "bleu": "blue", "bloned": "blonde", "blande": "blonde", "blondish": "blonde",
    "hoddie": "hoodie", "hodie": "hoodie", "kimino": "kimono", "kimonno": "kimono",
    "wite": "white", "whight": "white", "whit": "white", "bluu": "blue", "siver": "silver",
    "garl": "girl", "gurl": "girl", "gril": "girl", "catgirl": "cat ears girl", "catgirls": "cat ears girls",
    "nekogirl": "cat ears girl", "kemonomimi": "cat ears", "grils": "girls", "boi": "boy",
    "womn": "woman", "wooman": "woman", "kiten": "kitten", "dogg": "dog", "kat": "cat",
    "kats": "cats", "puppie": "puppy", "chlid": "child", "childs": "children",
    "mourning": "morning", "waiving": "waving", "stile": "style", "styel": "style", "nite": "night", "rein": "rain",
    "sittin": "sitting", "thru": "through", "blu": "blue", "pnk": "pink", "grn": "green",
}

# ----------------------------------------------------------------------------------------------
# Chinese. Matched by longest match over the simplified-character text, so compounds such as
# 白天 (daytime), 车站 (station), 雨伞 (umbrella), 连帽衫 (hoodie) win over their single
# characters (白, 站, 雨, 帽).
ZH: dict[str, dict[str, str]] = {
    "subject": {
        "girl": "小姐|大小姐|美人鱼|人鱼公主|辣妹|仙女|小仙女|女孩|女孩子|少女|姑娘|女生|小姐姐|美少女|女学生|女高中生|女中学生|小女孩|"
                "小姑娘|女童|妹妹|妹子|萝莉|公主|女儿|姐姐|美女|小美女|女仆|魔法少女|女偶像|"
                "女娃|丫头|小妹|学妹|少女们|女孩们|姐妹|女孩儿|女神",
        "boy": "小哥|少爷|正太|男孩|男孩子|少年|男生|小伙子|小伙|小哥哥|男学生|男高中生|小男孩|男童|弟弟|"
               "哥哥|王子|儿子|帅哥|美少年|学长|学弟|男孩们|少年们|小子|男孩儿|兄弟",
        "woman": "老太|阿婆|大妈|大婶|老婆婆|婆婆|贵妇|贵妇人|皇后|王后|女皇|熟女|女人|女性|女士|新娘|妇女|阿姨|夫人|老奶奶|老太太|奶奶|御姐|女子|妈妈|母亲|女王|"
                 "太太|大姐|老妇人|妇人|女巫|大姐姐|成熟女性|少妇|姥姥|外婆|女的|女歌手|女老师|女医生|"
                 "女警察|女警|女明星|女演员",
        "man": "阿公|大伯|老公公|男人|男性|男士|新郎|大叔|叔叔|老爷爷|爷爷|老头|老人|老人家|绅士|男子|爸爸|父亲|"
               "国王|老先生|先生|大爷|老伯|大哥|武士|骑士|老头儿|外公|姥爷|中年男人|大汉|男的|"
               "男歌手|男老师|男医生|男护士|男警察|男明星|男演员",
        "child": "熊孩子|小家伙|孩子|小孩|小孩子|儿童|小朋友|宝宝|婴儿|幼儿|小宝宝|孩童|娃娃|小娃|孩儿|"
                 "小不点|童子|孩子们|小朋友们|小学生|幼儿园小朋友",
        "cat": "三花猫|奶牛猫|暹罗猫|波斯猫|短毛猫|长毛猫|美短|小喵|喵喵|猫|小猫|猫咪|小猫咪|猫猫|喵星人|花猫|橘猫|黑猫|白猫|狸花猫|猫儿|小奶猫|"
               "布偶猫|英短|加菲猫|貓",
        "dog": "小汪|二哈|阿拉斯加|边牧|边境牧羊犬|拉布拉多|斗牛犬|法斗|博美|比熊|狗勾|德牧|杜宾|狗|小狗|狗狗|小狗狗|柴犬|犬|小犬|哈士奇|柯基|金毛|泰迪|狗子|汪星人|幼犬|"
               "小奶狗|秋田犬|牧羊犬|萨摩耶|狗儿",
        "person": "人|人物|角色|某人|一个人|人们|学生|青少年|年轻人|路人|旅人|行人|旅行者|"
                  "成年人|大人|情侣|恋人|夫妻|医生|护士|老师|教师|警察|厨师|程序员|宇航员|航天员|科学家|"
                  "画家|歌手|司机|农民|工人|上班族|店员|服务员|侦探|魔法师|法师|战士|士兵|忍者|"
                  "运动员|海盗|青年|中学生|高中生|大学生|留学生|游客|舞者|朋友|好朋友|闺蜜|同学|伙伴|小伙伴|同事|"
                  "邻居|乘客|顾客|冒险者|勇者",
    },
    "count": {
        # only when said outright: 一个 before a noun is an article, not a count
        "1": "只要一个|只要一只|只要一位|只画一个|只画一只|就一个|就一只|一个就好|一个就够了|"
             "一个就行|单独一个|只有一个|只有一只|只要一张",
        "2": "两个|两只|两位|两名|两条|两头|俩|二个|两|2个|2只|2位|2名|一对|双胞胎",
        "3": "三个|三只|三位|三名|三条|三头|仨|三|3个|3只|3位|3名",
        "4": "四个|四只|四位|四名|四|4个|4只|4位", "5": "五个|五只|五位|五名|五|5个|5只",
        "6": "六个|六只|六位|六名|六", "7": "七个|七只|七位|七", "8": "八个|八只|八位|八",
        "9": "九个|九只|九位|九", "10": "十个|十只|十位|十",
    },
    "color": {
        "black": "黑|黑色|乌黑|漆黑|墨黑|纯黑|黝黑|黑黑|墨色|炭黑|乌黑色",
        "brown": "棕|棕色|褐色|褐|咖啡色|栗色|茶色|深棕|浅棕|棕褐色|巧克力色|亚麻色|驼色|卡其色|米色|米黄色|卡其|焦糖色|咖色",
        "blonde": "金发色|淡金|浅金|亚麻金|铂金",
        "red": "红|红色|赤|赤色|大红|深红|暗红|绯红|酒红|鲜红|火红|血红|枣红|朱红|殷红|"
               "红红|酒红色|深红色|暗红色|绯色|绛红",
        "orange": "橙|橙色|橘色|橘黄|橘黄色|橘红|橙黄|杏色|橘|琥珀|琥珀色|橘子色|珊瑚色|蜜桃色",
        "yellow": "黄|黄色|鹅黄|明黄|淡黄|柠檬黄|嫩黄|土黄",
        "green": "绿|绿色|翠绿|墨绿|碧绿|浅绿|深绿|嫩绿|草绿|青绿|碧|绿绿|薄荷绿|军绿|薄荷色|橄榄绿|橄榄色|湖绿|翡翠色|翠色|抹茶色",
        "blue": "蓝|蓝色|天蓝|天蓝色|天空蓝|海军蓝|孔雀蓝|湖蓝|深蓝|浅蓝|湛蓝|藏青|宝蓝|海蓝|淡蓝|蔚蓝|冰蓝|靛蓝|"
                "青色|青|蓝蓝|水蓝|兰色|篮色|藏蓝|深蓝色|浅蓝色|淡蓝色|宝石蓝|钴蓝",
        "purple": "紫|紫色|淡紫|浅紫|深紫|紫罗兰|薰衣草色|紫红|淡紫色|浅紫色|深紫色|丁香色|雪青",
        "pink": "粉|粉色|粉红|粉红色|桃红|浅粉|淡粉|粉嫩|玫红|玫瑰色|樱花色|粉粉|桃粉|粉色系|樱花粉|桃色|"
                "玫瑰粉",
        "white": "白|白色|雪白|纯白|洁白|乳白|米白|奶白|象牙白|白白|白皙|奶油色|月白",
        "silver": "银|银色|银白|银白色|银发色|银灰",
        "gray": "灰|灰色|深灰|浅灰|灰白|灰白色|烟灰|银灰色|灰灰",
        "gold": "金|金色|金黄|金黄色|黄金|金灿灿|金光闪闪|金色的",
    },
    "hair_noun": {"hair": "头发|发|秀发|发丝|发型|毛发|毛|发色|秀髪|头毛|刘海|毛色"},
    "eye_noun": {"eyes": "眼睛|眼|瞳|眼眸|眸|双眼|瞳孔|眸子|眼珠|双眸|瞳色|眼瞳|眼眸子"},
    "garment": {"clothes": "衣服|衣裳|衣|服装|装|服|衣着|打扮|装扮|着装|裤子|牛仔裤|短裤|长裤|"
                           "披风|斗篷|长袍|袍子|背心|吊带|睡衣|一身|全身|运动服|套头衫"},
    "length": {"long": "长|长长|很长|及腰|长长的", "short": "短|短短|很短|短短的"},
    "hair_style": {
        "long": "长发|长头发|长长的头发|及腰长发|长直发|长卷发|披肩长发|披肩发|长髪|"
                "头发很长|头发长长|长长的秀发|留长发|长发飘飘|留长|留长了|蓄长发",
        "short": "剪短|剪短了|剪成短发|短发|短头发|短短的头发|齐耳短发|短碎发|寸头|平头|头发很短|短髪|留短发|利落短发",
        "ponytail": "马尾|马尾辫|单马尾|高马尾|低马尾|侧马尾|扎马尾|绑马尾|马尾巴|马尾髮|一条马尾|"
                    "扎着马尾|马伟|马尾儿",
        "twintails": "双马尾|双马尾辫|两个马尾|两条马尾|两根马尾|双马尾髮|双尾|双马伟|"
                     "两个辫子马尾|双丸子头|丸子头|双马",
        "braid": "辫子|麻花辫|编发|发辫|辫|双麻花辫|长辫子|两条辫子|两根辫子|小辫子|"
                 "编辫子|鱼骨辫|麻花辮|辮子|编织发|三股辫",
        "bob": "波波头|波波|短波波|鲍勃头|蘑菇头|齐耳短发bob|bob头|bob发型|波波头发|锅盖头|"
               "学生头|妹妹头",
        "curly": "卷发|卷头发|卷卷的头发|大波浪|波浪卷|卷曲的头发|卷毛|自然卷|羊毛卷|微卷|"
                 "卷曲|泡面头|爆炸头|卷髮|卷卷|卷卷的|卷的|烫发|烫卷",
    },
    "outfit": {
        "dress": "连衣裙|裙子|长裙|礼服|晚礼服|婚纱|公主裙|洋装|裙|纱裙|旗袍|女仆装|"
                 "蓬蓬裙|吊带裙|碎花裙|花裙子|花裙|睡裙|连身裙|连衣裙子|洛丽塔|汉服|衣裙|长裙子|晚装",
        "school uniform": "学生装|校服|制服|水手服|学生服|jk制服|jk|水手制服|学生制服|西式校服|"
                          "校裙|中学校服|高中校服|日系校服|学院风制服",
        "kimono": "和服|浴衣|振袖|和風服|和服裙",
        "hoodie": "卫衣|连帽衫|帽衫|连帽卫衣|帽衫卫衣|连帽外套|卫衣外套|衛衣",
        "suit": "西装|西服|套装|燕尾服|礼服西装|正装|西装革履|小西装|晚礼服西装|西裝",
        "t-shirt": "半袖|t恤|t恤衫|体恤|短袖|短袖衫|tee|体恤衫|t-shirt|tshirt|短袖t恤",
        "jacket": "夹克|外套|皮夹克|皮衣|牛仔外套|短外套|夾克|机车夹克|棒球服|飞行员夹克",
        "sweater": "毛衣|针织衫|羊毛衫|毛线衣|开衫|高领毛衣|针织开衫|毛衫",
        "coat": "大衣|风衣|外衣|棉袄|羽绒服|长大衣|呢子大衣|棉衣|雨衣|斗篷大衣|大褂",
        "swimsuit": "泳衣|泳装|比基尼|游泳衣|死库水|泳裤",
        "armor": "盔甲|铠甲|战甲|甲胄|盔|铠|鎧甲|騎士甲|护甲|装甲",
        "shirt": "衬衫|衬衣|上衣|襯衫|衬衫衣|polo衫|花衬衫",
        "skirt": "短裙|半身裙|迷你裙|百褶裙|超短裙|小短裙|格子裙|a字裙|长半身裙",
    },
    "accessories": {
        "glasses": "眼镜|墨镜|太阳镜|眼鏡|近视眼镜|圆框眼镜|黑框眼镜|护目镜|平光镜|镜框|"
                   "一副眼镜|金丝眼镜|眼镜儿",
        "hat": "帽子|帽|草帽|鸭舌帽|棒球帽|礼帽|贝雷帽|毛线帽|遮阳帽|渔夫帽|魔法帽|女巫帽|"
               "牛仔帽|圣诞帽|头盔|针织帽|高帽|太阳帽|小帽子|帽儿|遮阳帽子|报童帽",
        "headphones": "耳机|头戴式耳机|耳麦|头戴耳机|蓝牙耳机|耳罩|耳機|大耳机",
        "ribbon": "发卡|发夹|发饰|蝴蝶结|丝带|缎带|发带|发箍|头绳|领结|彩带|飘带|蝴蝶結|絲帶|头花|发圈",
        "scarf": "围巾|围脖|披肩|丝巾|头巾|圍巾|领巾|红领巾",
        "cat ears": "狐耳|狐狸耳|兔耳|兔耳朵|狼耳|猫耳|猫耳朵|猫耳发箍|猫耳头饰|兽耳|猫咪耳朵|貓耳|狐狸耳朵|猫猫耳朵",
        "umbrella": "雨伞|伞|阳伞|遮阳伞|油纸伞|雨傘|傘|纸伞|小伞|一把伞",
        "backpack": "背包|书包|双肩包|背囊|旅行包|登山包|揹包|書包|小背包",
        "crown": "王冠|皇冠|头冠|冠冕|小皇冠|花冠王冠|后冠",
        "mask": "面具|口罩|面罩|狐狸面具|假面|鬼面具|防毒面具|面紗|面纱",
        "earrings": "耳环|耳坠|耳钉|耳饰|耳環|耳墜|耳圈",
        "flower": "花|鲜花|花朵|一朵花|玫瑰|玫瑰花|花束|一束花|小花|头上的花|发间的花|"
                  "百合|向日葵|雏菊|郁金香|手捧花|捧花|花环|花冠",
    },
    "action": {
        "standing": "站|站着|站在|站立|伫立|站立着|立在|站著|站起来",
        "sitting": "坐|坐着|坐在|坐著|坐下|跪坐|蹲|蹲着|盘腿坐",
        "running": "跑|奔跑|跑步|跑着|飞奔|奔跑着|慢跑|疾跑|冲刺|狂奔|奔驰|在跑|跑来跑去",
        "walking": "走|走路|散步|漫步|行走|走在|走着|步行|徒步|闲逛|溜达|逛|逛街|走过|遛弯|"
                   "行走着|徒步旅行|漫步在|走来走去",
        "reading": "拿着一本书|捧着一本书|抱着一本书|拿着书本|捧着书本|手捧书本|拿着一本小说|"
                   "捧着一本小说|拿着漫画书|看漫画书|看书|读书|阅读|看着书|在读|读着书|捧着书|拿着书|翻书|看小说|读小说|看漫画|"
                   "读报|看報|看着一本书|读一本书|看一本书|讀書|翻阅",
        "waving": "挥手|招手|摆手|挥着手|挥挥手|招着手|挥动手臂|揮手|打招呼|挥手致意",
        "dancing": "街舞|跳街舞|跳舞|舞蹈|起舞|跳着舞|翩翩起舞|舞动|芭蕾|跳芭蕾|跳舞蹈|跳著舞|热舞",
        "sleeping": "睡觉|睡着|睡|入睡|打盹|午睡|熟睡|睡着了|小憩|酣睡|打瞌睡|睡懒觉|睡覺|沉睡|"
                    "趴着睡|躺着睡",
        "singing": "唱歌|歌唱|唱|唱着歌|唱着|演唱|哼歌|哼着歌|唱K|唱k",
        "eating": "吃|吃东西|吃饭|进食|吃着|在吃|吃面|吃蛋糕|吃冰淇淋|吃苹果|吃拉面|吃零食|"
                  "享用|品尝|吃早餐|吃午饭|吃晚饭",
        "drinking": "喝|喝水|喝茶|喝咖啡|饮|喝着|喝饮料|喝奶茶|品茶|喝酒|喝牛奶|饮茶|端着茶",
        "playing guitar": "弹吉他|弹着吉他|吉他|弹吉它|吉它|弹奏吉他|抱着吉他|玩吉他|弹琴|"
                          "弹著吉他|彈吉他",
        "flying": "飞|飞翔|飞行|在天上飞|飞在|飞着|翱翔|飞向|飛|飞起来|漂浮|悬浮|浮在空中",
        "swimming": "游泳|游水|游着|潜水|在水里游|戏水|游泳中",
    },
    "expression": {
        "smiling": "微笑|笑|笑着|笑容|面带微笑|开心|高兴|快乐|笑眯眯|笑盈盈|甜甜地笑|"
                   "笑嘻嘻|愉快|幸福|喜悦|微笑着|笑脸|欢快|乐呵呵|开开心心|开心的|兴奋|快活",
        "laughing": "大笑|哈哈大笑|开怀大笑|笑哈哈|放声大笑|笑出声|捧腹大笑|笑得很开心|咯咯笑|"
                    "哈哈笑|狂笑",
        "crying": "眼泪汪汪|泪汪汪|哭|哭泣|流泪|哭着|落泪|哭哭|大哭|哭鼻子|抽泣|泪流满面|眼泪|含泪|哭了|泪",
        "angry": "生气|愤怒|发怒|怒|恼火|气愤|发火|生气的|气鼓鼓|怒气冲冲|暴怒|不爽|愤怒的|"
                 "气呼呼|火大|暴躁|脾气暴躁|气坏了|发脾气",
        "surprised": "吓到|吓到了|被吓到|吓坏了|惊讶|吃惊|震惊|惊奇|惊喜|惊呆|目瞪口呆|吓一跳|吓了一跳|诧异|惊讶的|惊愕",
        "serious": "毫无表情|无表情|没什么表情|没有表情|严肃|认真|冷酷|冷静|面无表情|严肃的|一本正经|沉着|冷漠|高冷|专注|坚定|沉思",
        "shy": "害羞|脸红|羞涩|腼腆|害臊|羞答答|不好意思|娇羞|羞红|害羞的|红着脸|紧张",
        "sad": "委屈|难过|悲伤|伤心|忧伤|哀伤|沮丧|忧郁|难受|悲哀|孤独|寂寞|失落|郁闷|不开心|"
               "不高兴|伤感|悲伤的|难过的|伤心的|落寞|愁眉苦脸",
    },
    "setting": {
        "beach": "小岛|岛上|海岛|岛屿|海边|海滩|沙滩|海岸|大海|海|海滨|沙滩上|海边上|海岸边|海洋|海水|海边的|"
                 "海浪|海岸线|海湾|浪花|海景",
        "cherry blossoms": "桜|樱花|樱花树|樱花树下|樱花林|樱花下|樱花盛开|落樱|樱|櫻花|樱桃树|"
                           "樱花雨|樱花瓣|樱花飘落|樱花街道",
        "forest": "森林|树林|林中|丛林|森林里|林子|密林|竹林|树丛|林间|山林|雨林|树林里",
        "city": "纽约|巴黎|伦敦|香港|北京|首尔|大阪|京都|台北|城市|都市|市中心|城里|闹市|繁华都市|城镇|市区|大城市|都市里|东京|上海|小镇|镇上|镇子|城镇里|"
                "城市里|街市|霓虹|高楼|摩天大楼|城区",
        "classroom": "教室|课堂|教室里|学校|课室|校园|班级|教学楼",
        "park": "公园|游乐场|公园里|小公园|游乐园|操场",
        "mountain": "山|山上|山顶|高山|山里|山峰|山坡|山间|雪山|大山|群山|山脚|山谷|悬崖|"
                    "山丘|小山|山頂",
        "snow field": "滑雪场|雪地|雪原|雪野|雪地里|雪地上|冰原|雪景|雪原上|白雪皑皑|冰天雪地",
        "street": "街道|街上|街头|马路|大街|小巷|街|路上|巷子|小路|路边|街角|胡同|人行道|"
                  "街道上|马路上|道路|公路",
        "cafe": "星巴克|酒吧|酒馆|居酒屋|咖啡馆|咖啡厅|咖啡店|咖啡屋|茶馆|甜品店|奶茶店|面包店|餐厅|饭店|小店|茶室|面馆|拉面店|饭馆|"
                "餐馆|食堂|蛋糕店",
        "library": "图书馆|书店|书房|图书室|阅览室|书架|圖書館|书馆",
        "space": "太空|宇宙|外太空|星空中|银河|星际|月球|外星|太空中|宇宙中|星系|太空站|月亮上",
        "garden": "玫瑰园|玫瑰花园|花园|庭院|后院|院子|花园里|花圃|园子|花坛|植物园|温室|小院|庭园|花園",
        "rooftop": "屋顶|天台|楼顶|房顶|屋顶上|天台上|楼顶上|房顶上|屋頂|顶楼|阳台",
        "lake": "湖边|湖|湖畔|湖上|湖面|池塘|湖水|河边|小河|河畔|溪边|小溪|河流|江边|湖泊|河",
        "field": "田野|草地|草原|原野|花田|麦田|田地|稻田|花海|田间|草坪|旷野|田园|乡间|"
                 "乡村|向日葵田|向日葵花田|向日葵花海|薰衣草田|薰衣草花田|草丛|野外|郊外|田里|农田|田埂|麦田里|稻田里",
        "castle": "王座|城堡|宫殿|古堡|王宫|皇宫|城堡里|宮殿|城楼|要塞|堡垒|古城堡|城门|城墙",
        "bedroom": "被窝|被窝里|床边|卧室|房间|床上|卧房|寝室|屋里|房间里|床|卧室里|臥室|宿舍|闺房",
        "train station": "新干线|列车|高铁|动车|车站|火车站|地铁站|站台|月台|车站里|火车|地铁|電車|电车|车站上|"
                         "轻轨站|高铁站|电车站|公交站|车厢|車站",
        "shrine": "神社|鸟居|寺庙|庙|寺|神宫|神殿|鳥居|祠堂|寺院|古寺|庙宇",
    },
    "time_of_day": {
        "morning": "天刚亮|天亮|天亮了|天蒙蒙亮|早上|早晨|清晨|上午|黎明|日出|早|一大早|晨光|朝阳|拂晓|破晓|清早|晨曦|早晨的|"
                   "早上好|朝霞",
        "day": "白天|中午|白日|午后|下午|大白天|正午|白昼|日间|晌午|白天里",
        "sunset": "太阳下山|太阳快下山|太阳快下山了|天快黑了|天快黑|天色渐暗|黄昏|傍晚|日落|夕阳|晚霞|落日|夕阳西下|黄昏时|薄暮|暮色|晚景|夕照|余晖|"
                  "黄昏时分|日暮|太阳落山|傍晚时分",
        "night": "凌晨|晚上|夜晚|天黑|天黑了|夜里|夜间|深夜|夜|半夜|星空|月光|月下|夜空|黑夜|午夜|夜色|"
                 "夜景|月夜|星夜|今晚|晚间|夜幕|月光下|星光|夜里的|晚上的|月亮|星星|满月|"
                 "繁星|星空下",
    },
    "weather": {
        "sunny": "雨过天晴|大太阳|太阳很大|阳光很好|晴天|蓝天|蓝天下|晒太阳|晴朗|阳光明媚|阳光|艳阳|晴|艳阳天|烈日|阳光灿烂|蓝天白云|大晴天|日光|"
                 "晴空|阳光下|风和日丽|晴空万里|天气晴朗|晴天里",
        "rain": "下雨|雨天|雨中|雨|大雨|小雨|雨里|暴雨|细雨|下着雨|雨水|阵雨|毛毛雨|雷雨|"
                "下雨天|淋雨|雨夜|雨滴|落雨|风雨",
        "snow": "下雪|雪天|雪中|大雪|雪花|飘雪|雪|下着雪|小雪|暴雪|风雪|落雪|雪夜|飞雪|白雪",
        "cloudy": "阴天|多云|阴沉|乌云|云|阴|云朵|云层|雾|大雾|雾气|薄雾|阴云|灰蒙蒙|阴霾|多雲",
    },
    "style": {
        "hayao": "宫崎骏|吉卜力|宫崎|千与千寻|龙猫|哈尔的移动城堡|幽灵公主|天空之城|魔女宅急便|"
                 "宫崎俊|宫琪骏|宫奇骏|宮崎駿|宫崎峻|吉普力|吉不力|吉卜力风|吉布力|风之谷|悬崖上的金鱼姬",
        "shinkai": "新海诚|新海|你的名字|天气之子|秒速五厘米|铃芽|铃芽之旅|言叶之庭|新海城|"
                   "新海成|新海誠|心海诚|新海程|你的名字风格",
        "paprika": "今敏|红辣椒|辣椒|未麻的部屋|千年女优|东京教父|金敏|今民|紅辣椒|帕布莉卡|"
                   "红辣椒风格",
        "face_paint": "头像|肖像|大头照|特写|半身像|人像|脸部特写|证件照|面部|大头贴|肖像画|"
                      "頭像|自拍|脸绘|面绘",
    },
    "thing": {
        "_": "胡子|胡须|车|汽车|自行车|天空|天|墙|房子|门|球|气球|包|包包|鞋|鞋子|靴子|袜子|"
             "手套|领带|项链|翅膀|尾巴|蝴蝶|鸟|鱼|金鱼|苹果|叶子|树叶|树|草|水|灯笼|灯|火|"
             "书|杯子|手机|剑|魔杖|马|龙|太阳|蛋糕|茶|咖啡|风筝|羽毛|狐狸|兔子|熊|"
             "熊猫|手镯|戒指|腰带|手表|船|滑板|椅子|沙发|桌子|花瓣|嘴唇|脸|皮肤|指甲|背景|"
             "光|烟花|花火|气泡|泡泡|白云|红茶|绿茶|白领|飞机|青蛙|黑板|粉笔|机器人|天鹅|狐|毯子|窗户|窗|"
             # real words that hold a vocabulary character but mean something else
             "猫头鹰|热狗|狗尾巴草|花生|花椒|花卷|花钱|花纹|花样|花边|花瓶|花盆|浇花|看花|赏花|种花|"
             "雪碧|雪糕|雪人|海菜|海带|海鲜|海苔|海报|海绵|海豚|海豹|海鸥|山东|山西|山药|山楂|"
             "红酒|红包|红豆|绿豆|黑豆|白菜|黄瓜|金鱼缸|金牌|金钱|雨刷|云吞|猫粮|狗粮|书签|眼药水|"
             "人气|人家|水汪汪|游泳池|泳池|彩虹|雨后|雨停|雨停了|花丛|花丛中|云南|树阴|树荫|阴凉|阴影|海洋馆|水族馆|北海道|湖南|湖北|河南|河北|"
             "早就|早已|早些|提早|趁早|早日|跑车|走廊|网红|银行|三明治|十分|七彩|年级|明白|空白|"
             "坦白|白费|青春|粉丝|面粉|米粉|棕榈|橙汁|橙子|橘子|紫菜|灰尘|四周|四处|两边|两旁|两侧|"
             "两岸|两手|两只手|双手|一月|二月|三月|四月|五月|六月|七月|八月|九月|十月|十一月|十二月",
    },
}

# Traditional characters (and a few variant forms) that a recogniser may emit, mapped to the
# simplified forms the tables use. Generated from OpenCC (t2s) for every character in ZH plus
# the grammar words the Chinese parser reads, then checked in (see dialog.fuzzy.zh_variants).
ZH_SOUNDALIKE: dict[str, str] = {
    # near-homophones a recogniser produces for vocabulary words (same pinyin)
    "兰发": "蓝发", "篮发": "蓝发", "兰色": "蓝色", "篮色": "蓝色", "吉它": "吉他",
    "马伟": "马尾", "双马伟": "双马尾", "围巾儿": "围巾", "帽纸": "帽子", "猫咪咪": "猫咪",
    "卫依": "卫衣", "和付": "和服", "校付": "校服", "连衣群": "连衣裙", "裙紫": "裙子",
    "耳环儿": "耳环", "樱花树下面": "樱花树下", "宫崎俊": "宫崎骏", "新海城": "新海诚",
    "著": "着", "猫娘": "猫耳少女", "猫耳娘": "猫耳少女", "兽耳娘": "猫耳少女", "黄婚": "黄昏", "谈吉他": "弹吉他", "沙摊": "沙滩", "公元里": "公园里", "围衣": "卫衣",
    "帽衫儿": "帽衫", "眼境": "眼镜", "樱桃花": "樱花", "蓝瑟": "蓝色", "红瑟": "红色", "晚尚": "晚上", "早尚": "早上", "公圆": "公园", "森淋": "森林",
    "图书管": "图书馆", "咖啡管": "咖啡馆", "城保": "城堡", "神舍": "神社", "教师里": "教室里",
    "屋定": "屋顶", "海变": "海边", "湖变": "湖边", "雪低": "雪地", "太控": "太空",
    "金法": "金发", "黑法": "黑发", "长法": "长发", "短法": "短发",
    "蓝法": "蓝发", "红法": "红发", "白法": "白发", "银法": "银发",
    "女海": "女孩", "男海": "男孩", "在公元": "在公园", "在教师": "在教室", "穿为衣": "穿卫衣", "着为衣": "着卫衣",
    # shorthand that says two things: 黑长直 is black, long, straight hair
    "黑长直": "黑长直发",
}


@lru_cache(maxsize=2)
def table(lang: str) -> dict[str, list[tuple[str, str]]]:
    """phrase -> [(kind, value), ...] for one language, built once per process."""
    src = EN if lang == "en" else ZH
    out: dict[str, list[tuple[str, str]]] = {}
    for kind, values in src.items():
        for value, phrases in values.items():
            for phrase in phrases.split("|"):
                key = phrase.strip().lower()
                if lang == "en":
                    key = " ".join(key.replace("-", " ").split())
                if key and (kind, value) not in out.setdefault(key, []):
                    out[key].append((kind, value))
    return out
