package synthetic

// places lists every municipality (kunta) by maakunta and wellbeing services county; Åland's
// municipalities have no county. It is kept by hand from practice/regions.tsv (the 2025
// classification): when that file changes, change this table too;
// TestPlacesAgreeWithTheGazetteer fails until they agree.
var places = []place{
	{"Ahvenanmaa", "", []string{"Brändö", "Eckerö", "Finström", "Föglö", "Geta", "Hammarland", "Jomala", "Kumlinge", "Kökar", "Lemland", "Lumparland", "Maarianhamina", "Saltvik", "Sottunga", "Sund", "Vårdö"}},
	{"Etelä-Karjala", "Etelä-Karjalan hyvinvointialue", []string{"Imatra", "Lappeenranta", "Lemi", "Luumäki", "Parikkala", "Rautjärvi", "Ruokolahti", "Savitaipale", "Taipalsaari"}},
	{"Etelä-Pohjanmaa", "Etelä-Pohjanmaan hyvinvointialue", []string{"Alajärvi", "Alavus", "Evijärvi", "Ilmajoki", "Isojoki", "Isokyrö", "Karijoki", "Kauhajoki", "Kauhava", "Kuortane", "Kurikka", "Lappajärvi", "Lapua", "Seinäjoki", "Soini", "Teuva", "Vimpeli", "Ähtäri"}},
	{"Etelä-Savo", "Etelä-Savon hyvinvointialue", []string{"Enonkoski", "Hirvensalmi", "Juva", "Kangasniemi", "Mikkeli", "Mäntyharju", "Pieksämäki", "Puumala", "Rantasalmi", "Savonlinna", "Sulkava"}},
	{"Kainuu", "Kainuun hyvinvointialue", []string{"Hyrynsalmi", "Kajaani", "Kuhmo", "Paltamo", "Puolanka", "Ristijärvi", "Sotkamo", "Suomussalmi"}},
	{"Kanta-Häme", "Kanta-Hämeen hyvinvointialue", []string{"Forssa", "Hattula", "Hausjärvi", "Humppila", "Hämeenlinna", "Janakkala", "Jokioinen", "Loppi", "Riihimäki", "Tammela", "Ypäjä"}},
	{"Keski-Pohjanmaa", "Keski-Pohjanmaan hyvinvointialue", []string{"Halsua", "Kannus", "Kaustinen", "Kokkola", "Lestijärvi", "Perho", "Toholampi", "Veteli"}},
	{"Keski-Suomi", "Keski-Suomen hyvinvointialue", []string{"Hankasalmi", "Joutsa", "Jyväskylä", "Jämsä", "Kannonkoski", "Karstula", "Keuruu", "Kinnula", "Kivijärvi", "Konnevesi", "Kyyjärvi", "Laukaa", "Luhanka", "Multia", "Muurame", "Petäjävesi", "Pihtipudas", "Saarijärvi", "Toivakka", "Uurainen", "Viitasaari", "Äänekoski"}},
	{"Kymenlaakso", "Kymenlaakson hyvinvointialue", []string{"Hamina", "Kotka", "Kouvola", "Miehikkälä", "Pyhtää", "Virolahti"}},
	{"Lappi", "Lapin hyvinvointialue", []string{"Enontekiö", "Inari", "Kemi", "Kemijärvi", "Keminmaa", "Kittilä", "Kolari", "Muonio", "Pelkosenniemi", "Pello", "Posio", "Ranua", "Rovaniemi", "Salla", "Savukoski", "Simo", "Sodankylä", "Tervola", "Tornio", "Utsjoki", "Ylitornio"}},
	{"Pirkanmaa", "Pirkanmaan hyvinvointialue", []string{"Akaa", "Hämeenkyrö", "Ikaalinen", "Juupajoki", "Kangasala", "Kihniö", "Kuhmoinen", "Lempäälä", "Mänttä-Vilppula", "Nokia", "Orivesi", "Parkano", "Pirkkala", "Punkalaidun", "Pälkäne", "Ruovesi", "Sastamala", "Tampere", "Urjala", "Valkeakoski", "Vesilahti", "Virrat", "Ylöjärvi"}},
	{"Pohjanmaa", "Pohjanmaan hyvinvointialue", []string{"Kaskinen", "Korsnäs", "Kristiinankaupunki", "Kruunupyy", "Laihia", "Luoto", "Maalahti", "Mustasaari", "Närpiö", "Pedersören kunta", "Pietarsaari", "Uusikaarlepyy", "Vaasa", "Vöyri"}},
	{"Pohjois-Karjala", "Pohjois-Karjalan hyvinvointialue", []string{"Heinävesi", "Ilomantsi", "Joensuu", "Juuka", "Kitee", "Kontiolahti", "Lieksa", "Liperi", "Nurmes", "Outokumpu", "Polvijärvi", "Rääkkylä", "Tohmajärvi"}},
	{"Pohjois-Pohjanmaa", "Pohjois-Pohjanmaan hyvinvointialue", []string{"Alavieska", "Haapajärvi", "Haapavesi", "Hailuoto", "Ii", "Kalajoki", "Kempele", "Kuusamo", "Kärsämäki", "Liminka", "Lumijoki", "Merijärvi", "Muhos", "Nivala", "Oulainen", "Oulu", "Pudasjärvi", "Pyhäjoki", "Pyhäjärvi", "Pyhäntä", "Raahe", "Reisjärvi", "Sievi", "Siikajoki", "Siikalatva", "Taivalkoski", "Tyrnävä", "Utajärvi", "Vaala", "Ylivieska"}},
	{"Pohjois-Savo", "Pohjois-Savon hyvinvointialue", []string{"Iisalmi", "Joroinen", "Kaavi", "Keitele", "Kiuruvesi", "Kuopio", "Lapinlahti", "Leppävirta", "Pielavesi", "Rautalampi", "Rautavaara", "Siilinjärvi", "Sonkajärvi", "Suonenjoki", "Tervo", "Tuusniemi", "Varkaus", "Vesanto", "Vieremä"}},
	{"Päijät-Häme", "Päijät-Hämeen hyvinvointialue", []string{"Asikkala", "Hartola", "Heinola", "Hollola", "Iitti", "Kärkölä", "Lahti", "Orimattila", "Padasjoki", "Sysmä"}},
	{"Satakunta", "Satakunnan hyvinvointialue", []string{"Eura", "Eurajoki", "Harjavalta", "Huittinen", "Jämijärvi", "Kankaanpää", "Karvia", "Kokemäki", "Merikarvia", "Nakkila", "Pomarkku", "Pori", "Rauma", "Siikainen", "Säkylä", "Ulvila"}},
	{"Uusimaa", "Helsingin kaupunki", []string{"Helsinki"}},
	{"Uusimaa", "Itä-Uudenmaan hyvinvointialue", []string{"Askola", "Lapinjärvi", "Loviisa", "Myrskylä", "Porvoo", "Pukkila", "Sipoo"}},
	{"Uusimaa", "Keski-Uudenmaan hyvinvointialue", []string{"Hyvinkää", "Järvenpää", "Mäntsälä", "Nurmijärvi", "Pornainen", "Tuusula"}},
	{"Uusimaa", "Länsi-Uudenmaan hyvinvointialue", []string{"Espoo", "Hanko", "Inkoo", "Karkkila", "Kauniainen", "Kirkkonummi", "Lohja", "Raasepori", "Siuntio", "Vihti"}},
	{"Uusimaa", "Vantaan ja Keravan hyvinvointialue", []string{"Kerava", "Vantaa"}},
	{"Varsinais-Suomi", "Varsinais-Suomen hyvinvointialue", []string{"Aura", "Kaarina", "Kemiönsaari", "Koski Tl", "Kustavi", "Laitila", "Lieto", "Loimaa", "Marttila", "Masku", "Mynämäki", "Naantali", "Nousiainen", "Oripää", "Paimio", "Parainen", "Pyhäranta", "Pöytyä", "Raisio", "Rusko", "Salo", "Sauvo", "Somero", "Taivassalo", "Turku", "Uusikaupunki", "Vehmaa"}},
}
