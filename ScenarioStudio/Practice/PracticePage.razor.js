// Voice input through the browser's speech recognition, where the browser offers it.
export function speechSupported() {
    return !!(window.SpeechRecognition || window.webkitSpeechRecognition);
}

export function listen(dotnet, lang) {
    const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    if (!Recognition) return false;
    const recognition = new Recognition();
    recognition.lang = lang || 'en-GB';
    recognition.interimResults = false;
    recognition.maxAlternatives = 1;
    recognition.onresult = e => dotnet.invokeMethodAsync('OnSpeech', e.results[0][0].transcript);
    recognition.onerror = e => dotnet.invokeMethodAsync('OnSpeechError', e.error || 'error');
    recognition.onend = () => dotnet.invokeMethodAsync('OnSpeechEnd');
    recognition.start();
    return true;
}

// Keeps the end of the conversation and the answer box in view while the conversation grows (a message streaming
// in, a new message), as chat apps do; once the learner scrolls up to read, the page stays where they put it until
// they scroll back down. `toEnd` starts the page at the end (the learner's own session in progress).
export function follow(column, toEnd) {
    const margin = 16;
    const gap = () => column.getBoundingClientRect().bottom - window.innerHeight;
    const scrollBy = top => window.scrollBy({ top, behavior: 'instant' });
    let following = true;
    const update = () => { following = gap() <= 3 * margin; };
    window.addEventListener('scroll', update, { passive: true });
    window.addEventListener('resize', update, { passive: true });
    new ResizeObserver(() => {
        const g = gap();
        if (following && g > 0) scrollBy(g + margin);
        update();
    }).observe(column);
    if (toEnd && gap() > 0) scrollBy(gap() + margin);
    update();
}
